"""The migrations of skip reasons and of Contact.last_sent_at: messages skipped before keep
"no longer subscribed" as their reason, and each contact's last email sent is filled in
from the messages sent so far (not from failed ones, nor the test mailbox's)."""

import datetime

from django.utils import timezone

from pregon.testing.migrations import MigrationTestCase

# The reports app's first migration comes after sending's latest: it goes back to none.
BEFORE = {"sending": "0004_sms", "contacts": "0008_topics_pending_consent", "reports": None}


class LastSentMigrationTestCase(MigrationTestCase):
    def test_it_fills_in_each_contacts_last_email_and_the_old_skips(self) -> None:
        apps = self.migrate(self.leaves(BEFORE))
        Contact = apps.get_model("contacts", "Contact")
        Domain = apps.get_model("domains", "SendingDomain")
        Sender = apps.get_model("sending", "SenderIdentity")
        Mailing = apps.get_model("sending", "Mailing")
        Message = apps.get_model("sending", "Message")
        domain = Domain.objects.create(name="escuela.example.pe")
        sender = Sender.objects.create(
            from_name="Escuela", from_email="a@escuela.example.pe", domain=domain
        )
        ana, beto, carla = (
            Contact.objects.create(email=f"{name}@example.pe") for name in ("ana", "beto", "carla")
        )
        now = timezone.now()
        for days, contact, status in [
            (9, ana, "sent"),
            (2, ana, "sent"),
            (1, ana, "failed"),
            (3, beto, "outbox"),
            (4, carla, "skipped"),
        ]:
            mailing = Mailing.objects.create(
                subject="Hola", html="<p>Hola</p>", text="Hola", sender=sender, list_id="x.pe"
            )
            Message.objects.create(
                mailing=mailing,
                contact=contact,
                email=contact.email,
                status=status,
                sent_at=now - datetime.timedelta(days=days),
            )

        apps = self.migrate(self.leaves())
        Contact = apps.get_model("contacts", "Contact")
        Message = apps.get_model("sending", "Message")
        last = dict(Contact.objects.values_list("email", "last_sent_at"))
        self.assertEqual(last["ana@example.pe"], now - datetime.timedelta(days=2))
        self.assertIsNone(last["beto@example.pe"])
        self.assertIsNone(last["carla@example.pe"])
        self.assertEqual(Message.objects.get(status="skipped").skip_reason, "left")
        self.assertEqual(
            set(Message.objects.values_list("mailing__purpose", flat=True)), {"marketing"}
        )
