"""A pop-up click's conversion token at the classroom's conversion pixel (/t/v/<token>.gif):
one "converted" event per pop-up, goal and address; the contact's when the click was a known
visitor's."""

from urllib.parse import parse_qs, urlsplit

from pregon.popups import config
from pregon.popups.models import PopupEvent, PopupEventKind
from pregon.testing.popup_public import PublicTestCase, identity_token, sent_message


class PopupConversionTestCase(PublicTestCase):
    def conversion_token(self, **query: str) -> str:
        """The token a click on the pop-up's button carries to the classroom."""
        click = config.click_url(self.popup).split("/p/c/", 1)[1]
        landing = self.visitor.get(f"/p/c/{click}", query)["Location"]
        return parse_qs(urlsplit(landing).query)["pregon"][0]

    def test_a_known_visitors_conversion_is_the_contacts(self) -> None:
        message = sent_message()
        known = self.conversion_token(t=identity_token(message))
        anonymous = self.conversion_token()
        self.visitor.get(f"/t/v/{known}.gif", {"objetivo": "matricula"})
        self.visitor.get(f"/t/v/{anonymous}.gif", {"objetivo": "webinar"})
        converted = PopupEvent.objects.filter(kind=PopupEventKind.CONVERTED, popup=self.popup)
        self.assertEqual(
            dict(converted.values_list("detail", "contact")),
            {"matricula": message.contact_id, "webinar": None},
        )
        self.assertEqual(set(converted.values_list("method", flat=True)), {"script"})

    def test_an_enrolment_after_a_popup_click_is_its_conversion_once(self) -> None:
        click = config.click_url(self.popup).split("/p/c/", 1)[1]
        landing = self.visitor.get(f"/p/c/{click}")["Location"]
        token = parse_qs(urlsplit(landing).query)["pregon"][0]
        for _ in range(2):
            response = self.visitor.get(f"/t/v/{token}.gif", {"objetivo": "Matrícula"})
            self.assertEqual((response.status_code, response["Content-Type"]), (200, "image/gif"))
        self.visitor.get(f"/t/v/{token}.gif", {"objetivo": "webinar"})
        self.visitor.get(f"/t/v/{token}.gif", {"objetivo": "matricula"}, REMOTE_ADDR="200.1.2.3")
        converted = PopupEvent.objects.filter(kind=PopupEventKind.CONVERTED)
        self.assertEqual(
            sorted(converted.values_list("detail", flat=True)),
            ["matricula", "matricula", "webinar"],
        )
        self.assertEqual({event.popup for event in converted}, {self.popup})

    def test_a_deleted_popup_or_forged_token_is_not_valid(self) -> None:
        click = config.click_url(self.popup).split("/p/c/", 1)[1]
        token = parse_qs(urlsplit(self.visitor.get(f"/p/c/{click}")["Location"]).query)["pregon"][0]
        self.assertEqual(self.visitor.get(f"/t/v/{token}x.gif").status_code, 404)
        self.popup.delete()
        self.assertEqual(self.visitor.get(f"/t/v/{token}.gif").status_code, 404)
        self.assertFalse(PopupEvent.objects.filter(kind=PopupEventKind.CONVERTED).exists())
