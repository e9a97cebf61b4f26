"""The pop-ups' spool shares the tracking spool's files and flusher, each kind of event in
files of its own: neither flush takes the other's events, a cut line is skipped, and what
was deleted meanwhile does not stop a flush."""

import datetime
from pathlib import Path

import time_machine
from django.conf import settings

from pregon.popups import spool
from pregon.popups.models import PopupEvent
from pregon.sending import links
from pregon.testing.popup_public import PublicTestCase, sent_message
from pregon.testing.web import fetch
from pregon.tracking import spool as tracking_spool
from pregon.tracking.models import Event

MOMENT = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=datetime.UTC)


class PopupSpoolTestCase(PublicTestCase):
    def test_opens_and_popup_events_each_go_to_their_own_table(self) -> None:
        message = sent_message()
        self.assertEqual(self.beacon().status_code, 204)
        status, _, _ = fetch(f"/t/o/{links.open_token(message.pk)}.gif")
        self.assertEqual(status, "200 OK")
        self.assertEqual(len(list(Path(settings.TRACKING_SPOOL_DIR).iterdir())), 2)
        self.assertEqual(tracking_spool.flush(), 1)
        self.assertFalse(PopupEvent.objects.exists())
        self.assertEqual(spool.flush(), 1)
        self.assertEqual((Event.objects.count(), PopupEvent.objects.count()), (1, 1))

    def test_a_cut_line_is_skipped_and_a_deleted_site_forgotten(self) -> None:
        with time_machine.travel(MOMENT, tick=False):  # Both in one second's file.
            self.beacon()
            self.beacon("closed")
        [path] = Path(settings.TRACKING_SPOOL_DIR).iterdir()
        with path.open("a") as spooled:
            spooled.write('[1700000000.0, 1, "viewed"')  # Cut short by a full disk.
        self.site.delete()
        self.assertEqual(spool.flush(), 2)
        self.assertEqual(PopupEvent.objects.filter(site__isnull=True).count(), 2)
        self.assertEqual(list(Path(settings.TRACKING_SPOOL_DIR).iterdir()), [])
