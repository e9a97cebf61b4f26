"""The open pixel as the web server serves it: through the WSGI application, ahead of Django."""

from django.test import TestCase

from pregon.campaigns import scheduling
from pregon.sending import links
from pregon.sending.models import Message
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.testing.web import fetch
from pregon.tracking import spool
from pregon.tracking.models import Event, EventKind


class FastPixelTestCase(TestCase):
    def setUp(self) -> None:
        campaign_to(contacts_on_a_list(1))
        scheduling.start_due_campaigns()
        self.message = Message.objects.get()
        self.path = f"/t/o/{links.open_token(self.message.pk)}.gif"

    def test_the_pixel_is_answered_and_its_open_recorded(self) -> None:
        status, headers, body = fetch(self.path, HTTP_USER_AGENT="Thunderbird/128.0")
        self.assertEqual((status, headers["Content-Type"]), ("200 OK", "image/gif"))
        self.assertTrue(body.startswith(b"GIF89a"))
        self.assertIn("no-store", headers["Cache-Control"])
        self.assertEqual(spool.flush(), 1)
        event = Event.objects.get()
        self.assertEqual(
            (event.kind, event.message, event.client),
            (EventKind.OPENED, self.message, "Thunderbird"),
        )

    def test_a_head_request_gets_no_body_and_is_flagged(self) -> None:
        status, _, body = fetch(self.path, method="HEAD")
        self.assertEqual((status, body), ("200 OK", b""))
        spool.flush()
        self.assertEqual(Event.objects.get().machine, "head")

    def test_a_forged_token_goes_on_to_django_and_gets_its_404(self) -> None:
        forged = self.path.replace(".gif", "a.gif")
        status, headers, _ = fetch(forged)
        self.assertEqual(status[:3], "404")
        self.assertIn("text/html", headers["Content-Type"])
        self.assertEqual(spool.flush(), 0)

    def test_other_addresses_are_django_s(self) -> None:
        status, headers, _ = fetch("/cuenta/entrar/")
        self.assertEqual(status[:3], "200")
        self.assertIn("text/html", headers["Content-Type"])
