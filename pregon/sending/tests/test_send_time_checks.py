"""What the engine checks when a message's turn comes, not only when the campaign starts."""

import tempfile
from pathlib import Path

from django.test import TestCase, override_settings

from pregon.campaigns import scheduling
from pregon.contacts.models import Contact, Status, Suppression
from pregon.sending.models import Message, MessageStatus, QuotaDebit
from pregon.sending.transports import outbox
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server


class SendTimeChecksTestCase(TestCase):
    def test_contacts_who_left_after_the_start_get_nothing(self) -> None:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            campaign_to(contacts_on_a_list(5))
            scheduling.start_due_campaigns()
            Contact.objects.filter(email="persona0001@example.pe").update(
                status=Status.UNSUBSCRIBED
            )
            Suppression.objects.create(email="persona0002@example.pe")
            Contact.objects.filter(email="persona0003@example.pe").delete()
            send_all()
        self.assertEqual(
            sorted(mailbox.count()), ["persona0000@example.pe", "persona0004@example.pe"]
        )
        skipped = Message.objects.filter(status=MessageStatus.SKIPPED)
        self.assertEqual(skipped.count(), 3)
        self.assertEqual(sum(QuotaDebit.objects.values_list("count", flat=True)), 2)

    def test_the_test_mailbox_is_not_billed(self) -> None:
        folder = self.enterContext(tempfile.TemporaryDirectory())
        with override_settings(VAR_DIR=Path(folder)):
            campaign_to(contacts_on_a_list(3))
            scheduling.start_due_campaigns()
            send_all()
            self.assertEqual(len(outbox().messages()), 3)
        # Kept on this server, they reached nobody: not sent, nor billed.
        self.assertEqual(Message.objects.filter(status=MessageStatus.OUTBOX).count(), 3)
        self.assertFalse(Message.objects.filter(status=MessageStatus.SENT).exists())
        self.assertFalse(QuotaDebit.objects.exists())
