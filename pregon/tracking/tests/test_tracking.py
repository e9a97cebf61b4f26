"""Opens and clicks, end to end: a campaign's messages carry signed tracking addresses,
which record events and send people to the mailing's own links, and to nowhere else."""

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client, TestCase, override_settings

from pregon.campaigns import scheduling
from pregon.sending.models import Message
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server
from pregon.tracking import spool
from pregon.tracking.models import Event, EventKind, SpoolFile

SITE = "https://correo.escuela.example.pe"


def tracked(html: str) -> tuple[list[str], list[str]]:
    """The tracked link addresses and pixel addresses in ``html``, as paths."""
    clicks = re.findall(rf'href="{SITE}(/t/c/[^"]+)"', html)
    pixels = re.findall(rf'src="{SITE}(/t/o/[^"]+\.gif)"', html)
    return clicks, pixels


@override_settings(SITE_URL=SITE)
class TrackingTestCase(TestCase):
    def send(self, **switches: bool) -> list[str]:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            campaign = campaign_to(contacts_on_a_list(3))
            for name, value in switches.items():
                setattr(campaign, name, value)
            campaign.save()
            scheduling.start_due_campaigns()
            send_all()
        return [m.parsed().get_body(("html",)).get_content() for m in mailbox.received]

    def test_links_and_the_pixel_are_tracked_per_message(self) -> None:
        bodies = self.send()
        client = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mail")
        seen = set()
        for html in bodies:
            clicks, pixels = tracked(html)
            self.assertEqual((len(clicks), len(pixels)), (1, 1))
            self.assertNotIn('href="https://aula.example.gob.pe/curso"', html)
            self.assertIn("/t/baja/", html)  # The unsubscribe link is not rewritten.
            seen.update(clicks)
            response = client.get(clicks[0])
            self.assertEqual(response.status_code, 302)
            # The mailing's own link, with the campaign's UTM tags and attribution code.
            self.assertTrue(response["Location"].startswith("https://aula.example.gob.pe/curso?"))
            response = client.get(pixels[0])
            self.assertEqual((response.status_code, response["Content-Type"]), (200, "image/gif"))
            self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(len(seen), 3)  # Each message has its own token.
        self.assertFalse(Event.objects.exists())  # Spooled, not yet written:
        self.assertEqual(spool.flush(), 6)
        self.assertEqual(Event.objects.filter(kind=EventKind.CLICKED).count(), 3)
        self.assertEqual(Event.objects.filter(kind=EventKind.OPENED).count(), 3)
        event = Event.objects.filter(kind=EventKind.CLICKED).first()
        self.assertEqual((event.link, event.user_agent), (0, "Mozilla/5.0 (iPhone) Mail"))
        self.assertEqual(len(event.ip_hash), 16)

    def test_an_altered_or_foreign_token_goes_nowhere_and_records_nothing(self) -> None:
        clicks, pixels = tracked(self.send()[0])
        path = urlsplit(clicks[0]).path
        token = path.rsplit("/", 1)[1]
        number, mac = token.split("-")
        forged = [
            path[:-2] + ("aa" if not path.endswith("aa") else "bb"),
            f"/t/c/{int(number, 36) + 1:x}-{mac}",
            f"/t/c/{pixels[0].split('/')[-1][:-4]}",  # An open token is no click token.
            "/t/c/https%3A%2F%2Fevil.example",
        ]
        for url in forged:
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Location", response)
        spool.flush()
        self.assertFalse(Event.objects.exists())

    def test_tracking_can_be_turned_off_per_campaign(self) -> None:
        html = self.send(track_clicks=False, track_opens=False)[0]
        self.assertEqual(tracked(html), ([], []))
        self.assertIn('href="https://aula.example.gob.pe/curso?utm_source=pregon', html)

    def test_an_open_of_a_deleted_message_is_dropped(self) -> None:
        html = self.send()[0]
        _, pixels = tracked(html)
        self.assertEqual(self.client.get(pixels[0]).status_code, 200)
        Message.objects.all().delete()
        self.assertEqual(spool.flush(), 0)

    def test_a_flusher_that_died_after_its_commit_does_not_count_twice(self) -> None:
        _, pixels = tracked(self.send()[0])
        self.client.get(pixels[0])
        spooled = list(Path(settings.TRACKING_SPOOL_DIR).iterdir())
        kept = {path: path.read_bytes() for path in spooled}
        spool.flush()
        for path, content in kept.items():  # The file was written but not deleted.
            path.write_bytes(content)
        self.assertEqual(spool.flush(), 0)
        self.assertEqual(Event.objects.count(), 1)
        self.assertEqual(list(Path(settings.TRACKING_SPOOL_DIR).iterdir()), [])

    def test_a_line_cut_short_is_skipped_and_the_rest_written(self) -> None:
        pixels = [tracked(html)[1][0] for html in self.send()]
        self.client.get(pixels[0])
        [path] = Path(settings.TRACKING_SPOOL_DIR).iterdir()
        with path.open("a") as spooled:
            # Cut short by a full disk inside a user agent that held a "]".
            spooled.write('["opened", 1, null, 1764000000.5, "Mozilla/5.0 (X11]\n')
            spooled.write("\n")
        self.client.get(pixels[1])
        self.assertEqual(spool.flush(), 2)
        self.assertEqual(list(Path(settings.TRACKING_SPOOL_DIR).iterdir()), [])

    def test_names_of_written_files_are_forgotten_after_two_days(self) -> None:
        now = int(time.time())
        old, recent = f"{now - 3 * 86400}-web-1-aa.events", f"{now - 3600}-web-1-bb.events"
        SpoolFile.objects.bulk_create([SpoolFile(name=old), SpoolFile(name=recent)])
        spool.flush()
        self.assertEqual(list(SpoolFile.objects.values_list("name", flat=True)), [recent])
