"""Opens stored as Gmail's image proxy's before it counted as a person become people's."""

import importlib

from django.apps import apps
from django.test import TestCase

from pregon.campaigns import scheduling
from pregon.sending.models import Message
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.tracking.models import Event, EventKind

migration = importlib.import_module("pregon.tracking.migrations.0004_gmail_proxy_opens_are_people")


class GmailProxyMigrationTestCase(TestCase):
    def test_gmail_s_opens_become_people_s_and_other_machines_stay(self) -> None:
        campaign_to(contacts_on_a_list(1))
        scheduling.start_due_campaigns()
        message = Message.objects.get()
        gmail = Event.objects.create(
            kind=EventKind.OPENED,
            message=message,
            machine="gmail_proxy",
            client="Firefox",
            device="desktop",
        )
        apple = Event.objects.create(
            kind=EventKind.OPENED, message=message, machine="apple_privacy", device="other"
        )
        migration.people_opened(apps, None)
        gmail.refresh_from_db()
        apple.refresh_from_db()
        self.assertEqual((gmail.machine, gmail.client, gmail.device), ("", "Gmail", ""))
        self.assertEqual((apple.machine, apple.device), ("apple_privacy", "other"))
