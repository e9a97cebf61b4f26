"""POST /p/b/<site key>: views and closes through the spool into PopupEvent, with the contact
an identity token names; nothing recorded for a refused origin, a forged token or bad data."""

import datetime

import time_machine

from pregon.popups import floods, spool
from pregon.popups.models import Popup, PopupEvent, PopupEventKind
from pregon.testing.popup_public import (
    ELSEWHERE,
    PublicTestCase,
    identity_token,
    sent_message,
)


class BeaconTestCase(PublicTestCase):
    def test_a_view_is_spooled_then_written_with_its_contact(self) -> None:
        message = sent_message()
        response = self.beacon(
            t=identity_token(message), u="/course/view.php?id=12", c=12, d="phone"
        )
        self.assertEqual((response.status_code, response.content), (204, b""))
        self.assertEqual(response["Access-Control-Allow-Origin"], self.site.origin)
        self.assertFalse(PopupEvent.objects.exists())  # Spooled, not yet written.
        self.assertEqual(self.beacon("closed").status_code, 204)
        self.assertEqual(spool.flush(), 2)
        viewed = PopupEvent.objects.get(kind=PopupEventKind.VIEWED)
        self.assertEqual(viewed.contact, message.contact)
        self.assertEqual(
            (viewed.page, viewed.course_id, viewed.device), ("/course/view.php", 12, "phone")
        )
        self.assertEqual(
            (viewed.visitor, viewed.site, viewed.machine), ("a1b2c3d4e5f60718", self.site, "")
        )
        self.assertEqual(len(viewed.ip_hash), 16)
        closed = PopupEvent.objects.get(kind=PopupEventKind.CLOSED)
        self.assertIsNone(closed.contact)
        self.assertEqual(spool.flush(), 0)  # Each file once.

    def test_what_records_nothing(self) -> None:
        token = identity_token(sent_message())
        forged = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
        draft = Popup.objects.create(name="Borrador", title="b")
        cases = {
            "forged token": (self.beacon(t=forged), 400, "t"),
            "unknown kind": (self.beacon("clicked"), 400, "k"),
            "draft pop-up": (self.beacon(p=draft.pk), 400, "p"),
            "no such pop-up": (self.beacon(p=999999), 400, "p"),
            "not JSON": (self.post("b", "{nope"), 400, "body"),
            "a list": (self.post("b", "[1]"), 400, "body"),
            "another origin": (
                self.post("b", {"p": self.popup.pk, "k": "viewed"}, ELSEWHERE),
                403,
                None,
            ),
        }
        for name, (response, status, field) in cases.items():
            with self.subTest(name):
                self.assertEqual(response.status_code, status)
                if field:
                    self.assertIn(field, response.json()["errors"])
        self.assertEqual(
            self.beacon(t=forged).json()["detail"], "Este código de identidad no es válido."
        )
        self.assertEqual(self.visitor.get(f"/p/b/{self.site.key}").status_code, 405)
        self.assertEqual(spool.flush(), 0)
        self.assertFalse(PopupEvent.objects.exists())

    def test_bots_are_flagged(self) -> None:
        self.visitor.defaults["HTTP_USER_AGENT"] = "Mozilla/5.0 (compatible; Googlebot/2.1)"
        self.assertEqual(self.beacon().status_code, 204)
        spool.flush()
        self.assertEqual(PopupEvent.objects.get().machine, "bot")

    def test_events_of_a_deleted_popup_are_dropped(self) -> None:
        self.beacon()
        self.popup.delete()
        self.assertEqual(spool.flush(), 0)


class FloodTestCase(PublicTestCase):
    def test_a_flood_is_bounded_at_the_door_and_flagged_past_the_mark(self) -> None:
        start = datetime.datetime(2026, 11, 20, 15, 0, 0, tzinfo=datetime.UTC)
        answers = []
        with time_machine.travel(start, tick=False) as traveller:
            for second in range(15):
                traveller.move_to(start + datetime.timedelta(seconds=second))
                answers += [self.beacon().status_code for _ in range(floods.PER_SECOND + 2)]
            self.assertEqual(answers.count(204), 15 * floods.PER_SECOND)
            self.assertEqual(answers.count(429), 15 * 2)
            response = self.beacon()
            self.assertEqual(
                response.json()["detail"],
                "Demasiados reportes desde esta dirección. Inténtelo más tarde.",
            )
            traveller.move_to(start + datetime.timedelta(seconds=30))
            written = spool.flush()
        self.assertEqual(written, 15 * floods.PER_SECOND)
        flagged = PopupEvent.objects.filter(machine="flood").count()
        self.assertEqual(flagged, 15 * floods.PER_SECOND - spool.FLOOD_MARK)
        # The mark counts what earlier flushes stored of the same minute.
        with time_machine.travel(start + datetime.timedelta(seconds=40), tick=False):
            self.assertEqual(self.beacon().status_code, 204)
        with time_machine.travel(start + datetime.timedelta(seconds=50), tick=False):
            spool.flush()
        self.assertEqual(PopupEvent.objects.filter(machine="flood").count(), flagged + 1)
        # Another address is not held back by the first one's flood.
        with time_machine.travel(start + datetime.timedelta(seconds=14), tick=False):
            data = {"p": self.popup.pk, "k": "viewed"}
            self.assertEqual(self.post("b", data, REMOTE_ADDR="200.1.2.3").status_code, 204)
