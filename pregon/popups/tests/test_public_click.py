"""GET /p/c/<click token>: the click is recorded and the visitor goes to the pop-up's own
link, with its conversion token; nothing else is ever a redirect."""

from urllib.parse import parse_qs, urlsplit

from pregon.lib import signing
from pregon.popups import config, conversions, spool
from pregon.popups.models import Popup, PopupEvent, PopupEventKind
from pregon.testing.popup_public import CLASSROOM, PublicTestCase, identity_token, sent_message


class ClickTestCase(PublicTestCase):
    def test_a_click_is_recorded_and_goes_to_the_popups_link(self) -> None:
        message = sent_message()
        url = config.click_url(self.popup).split("/p/c/", 1)[1]
        response = self.visitor.get(
            f"/p/c/{url}",
            {"v": "a1b2c3d4e5f60718", "t": identity_token(message), "u": "/my/", "d": "desktop"},
            HTTP_REFERER=CLASSROOM + "/my/",
        )
        self.assertEqual(response.status_code, 302)
        location = urlsplit(response["Location"])
        self.assertEqual(
            f"{location.scheme}://{location.netloc}{location.path}",
            "https://aula.escuela.example.pe/enrol/index.php",
        )
        query = parse_qs(location.query)
        self.assertEqual(query["id"], ["12"])
        # The conversion token names the pop-up, and the known visitor's message.
        self.assertEqual(conversions.read_token(query["pregon"][0]), (self.popup.pk, message.pk))
        self.assertEqual(spool.flush(), 1)
        event = PopupEvent.objects.get()
        self.assertEqual(
            (event.kind, event.contact, event.site),
            (PopupEventKind.CLICKED, message.contact, self.site),
        )
        self.assertEqual((event.page, event.device), ("/my/", "desktop"))

    def test_a_forged_identity_still_goes_on_anonymously(self) -> None:
        path = config.click_url(self.popup).split("/p/c/", 1)[1]
        response = self.visitor.get(f"/p/c/{path}", {"t": "1-forgedforgedforged"})
        self.assertEqual(response.status_code, 302)
        spool.flush()
        self.assertIsNone(PopupEvent.objects.get().contact)

    def test_forged_or_foreign_tokens_go_nowhere(self) -> None:
        token = signing.sign(config.CLICK_KIND, self.popup.pk)
        no_link = Popup.objects.create(name="Sin enlace", title="s", is_published=True)
        for path in (
            token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
            signing.sign("popup-conversion", self.popup.pk),  # Another kind of token.
            signing.sign(config.CLICK_KIND, 999999),  # No such pop-up.
            signing.sign(config.CLICK_KIND, no_link.pk),
            "https%3A%2F%2Fevil.example",
        ):
            with self.subTest(path):
                self.assertEqual(self.visitor.get(f"/p/c/{path}").status_code, 404)
        self.assertEqual(spool.flush(), 0)
