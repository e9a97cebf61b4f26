"""Contacts' last open and click, which the engagement rules read, as the spool's flush
keeps them: the segment counts (through the builder's live count) equal those of the events
themselves, the way the rules read them before."""

import datetime
import importlib
import json
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from pregon.campaigns import scheduling
from pregon.contacts.models import Contact
from pregon.sending import links
from pregon.sending.models import Mailing, Message
from pregon.testing import BaseTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.testing.web import fetch
from pregon.tracking import spool
from pregon.tracking.models import Event, EventKind

URL = "/contactos/segmentos/contar/"
migration = importlib.import_module("pregon.contacts.migrations.0010_segment_indexes_engagement")


def by_events(field: str, operator: str, value: int | None = None) -> int:
    """How many contacts the rule matched when it joined the events (the reference)."""
    counted = Event.opening() if field == "opened" else Event.clicking()
    lookups = {}
    if value is not None:
        lookups["at__gte"] = timezone.now() - datetime.timedelta(days=value)
    engaged = Q(
        Exists(Event.objects.filter(counted, message__contact_id=OuterRef("pk"), **lookups))
    )
    received = Q(Exists(Message.objects.filter(contact_id=OuterRef("pk"), status="sent")))
    rule = {
        "any_in_last_days": engaged,
        "none_in_last_days": ~engaged,
        "ever": engaged,
        "never": received & ~engaged,
    }[operator]
    return Contact.objects.filter(rule).count()


class EngagementFactsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        campaign_to(contacts_on_a_list(4))
        scheduling.start_due_campaigns()
        Message.objects.update(status="sent", sent_at=timezone.now() - datetime.timedelta(days=1))
        Mailing.objects.update(links=["https://escuela.pe/a", "https://escuela.pe/b"])
        self.messages = list(Message.objects.order_by("email"))
        self.client.force_login(self.bob)

    def count(self, field: str, operator: str, value: int | None = None) -> int:
        rules = {"match": "all", "rules": [{"field": field, "operator": operator, "value": value}]}
        response = self.client.post(URL, {"rules": json.dumps(rules)})
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()["count"]

    def assert_counts_match_the_events(self) -> None:
        for field in ("opened", "clicked"):
            for operator, value in (
                ("any_in_last_days", 30),
                ("none_in_last_days", 30),
                ("ever", None),
                ("never", None),
            ):
                with self.subTest(field=field, operator=operator):
                    self.assertEqual(
                        self.count(field, operator, value), by_events(field, operator, value)
                    )

    def click(self, message: Message, link: int, machine: str = "") -> None:
        spool.append(EventKind.CLICKED, message.pk, link, "Mozilla/5.0 Firefox/128.0", machine, "")

    def test_an_open_through_the_pixel_counts_once_flushed(self) -> None:
        first = self.messages[0]
        self.assertEqual(self.count("opened", "any_in_last_days", 1), 0)
        fetch(f"/t/o/{links.open_token(first.pk)}.gif", HTTP_USER_AGENT="Thunderbird/128.0")
        self.assertEqual(self.count("opened", "any_in_last_days", 1), 0)  # Not flushed yet.
        self.assertEqual(spool.flush(), 1)
        contact = Contact.objects.get(pk=first.contact_id)
        self.assertIsNotNone(contact.last_opened_at)
        self.assertIsNone(contact.last_clicked_at)
        self.assertEqual(self.count("opened", "any_in_last_days", 1), 1)
        self.assertEqual(self.count("opened", "never"), 3)
        self.assert_counts_match_the_events()

    def test_a_click_is_an_open_too_and_machines_do_not_count(self) -> None:
        self.click(self.messages[1], 0)
        self.click(self.messages[2], 0, machine="scanner")
        spool.flush()
        self.assertEqual(self.count("clicked", "ever"), 1)
        self.assertEqual(self.count("opened", "ever"), 1)
        self.assertEqual(self.count("clicked", "never"), 3)
        self.assert_counts_match_the_events()

    def test_clicks_found_to_be_a_scanner_s_in_a_later_flush_stop_counting(self) -> None:
        scanned = self.messages[3]
        self.click(scanned, 0)
        spool.flush()
        self.assertEqual(self.count("clicked", "any_in_last_days", 7), 1)
        # The other link within the second: a scanner followed both, and both are flagged.
        self.click(scanned, 1)
        spool.flush()
        self.assertEqual(Event.objects.filter(machine="all_links").count(), 2)
        self.assertEqual(self.count("clicked", "any_in_last_days", 7), 0)
        self.assertEqual(self.count("opened", "ever"), 0)
        self.assertIsNone(Contact.objects.get(pk=scanned.contact_id).last_opened_at)
        self.assert_counts_match_the_events()

    def test_an_older_open_does_not_move_the_last_one_back(self) -> None:
        message = self.messages[0]
        fetch(f"/t/o/{links.open_token(message.pk)}.gif", HTTP_USER_AGENT="Thunderbird/128.0")
        spool.flush()
        last = Contact.objects.get(pk=message.contact_id).last_opened_at
        # A provider's webhook reports an open of long ago, flushed after the new one.
        spool.append_row(
            spool.SUFFIX,
            timezone.now().timestamp(),
            [
                EventKind.OPENED,
                message.pk,
                None,
                (timezone.now() - datetime.timedelta(days=40)).timestamp(),
                "",
                "",
                "",
            ],
        )
        spool.flush()
        self.assertEqual(Contact.objects.get(pk=message.contact_id).last_opened_at, last)
        self.assert_counts_match_the_events()

    def test_a_contact_saved_from_an_older_reading_keeps_its_last_open(self) -> None:
        message = self.messages[0]
        read_before = Contact.objects.get(pk=message.contact_id)
        fetch(f"/t/o/{links.open_token(message.pk)}.gif", HTTP_USER_AGENT="Thunderbird/128.0")
        spool.flush()
        # The contact screen saves what it read before the open was flushed.
        read_before.first_name = "Ana"
        read_before.save()
        self.assertEqual(self.count("opened", "ever"), 1)
        self.assert_counts_match_the_events()

    def test_a_deleted_contact_s_events_leave_the_counts(self) -> None:
        fetch(
            f"/t/o/{links.open_token(self.messages[0].pk)}.gif", HTTP_USER_AGENT="Thunderbird/128.0"
        )
        fetch(
            f"/t/o/{links.open_token(self.messages[1].pk)}.gif", HTTP_USER_AGENT="Thunderbird/128.0"
        )
        spool.flush()
        Contact.objects.filter(pk=self.messages[0].contact_id).delete()
        self.assertEqual(self.count("opened", "ever"), 1)
        self.assert_counts_match_the_events()

    def test_the_migration_fills_the_facts_from_the_events_so_far(self) -> None:
        old = timezone.now() - datetime.timedelta(days=45)
        for message, kind, machine in (
            (self.messages[0], EventKind.OPENED, ""),
            (self.messages[1], EventKind.CLICKED, ""),
            (self.messages[2], EventKind.OPENED, "apple_mpp"),
        ):
            Event.objects.create(kind=kind, message=message, machine=machine, at=old)
        self.assertEqual(self.count("opened", "ever"), 0)  # Written around the flush.
        # What the migration uses of its schema editor: the connection.
        migration.backfill_engagement(apps, SimpleNamespace(connection=connection))
        self.assertEqual(self.count("opened", "ever"), 2)
        self.assertEqual(self.count("clicked", "ever"), 1)
        self.assertEqual(self.count("opened", "any_in_last_days", 30), 0)
        self.assertEqual(Contact.objects.get(pk=self.messages[1].contact_id).last_clicked_at, old)
        self.assert_counts_match_the_events()
