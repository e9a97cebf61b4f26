"""A pop-up click's conversion token at the classroom's conversion pixel (/t/v/<token>.gif):
one "converted" event per pop-up, goal and address."""

from urllib.parse import parse_qs, urlsplit

from pregon.popups import config
from pregon.popups.models import PopupEvent, PopupEventKind
from pregon.testing.popup_public import PublicTestCase


class PopupConversionTestCase(PublicTestCase):
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
