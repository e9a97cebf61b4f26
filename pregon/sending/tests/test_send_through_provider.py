"""A campaign through a provider's API: each message keeps the id the provider gave it,
which the provider's webhooks will name it by."""

from django.db.models import Sum
from django.test import TestCase

from pregon.campaigns import scheduling
from pregon.lib import vault
from pregon.sending import engine
from pregon.sending.models import Backend, BackendKind, Message, MessageStatus, QuotaDebit
from pregon.sending.transports import open_transport
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.testing.providers import FakeProvider


class SendThroughProviderTestCase(TestCase):
    def test_provider_ids_are_kept_and_only_accepted_messages_billed(self) -> None:
        fake = FakeProvider()
        self.addCleanup(fake.stop)
        Backend.objects.create(
            name="Mailgun",
            kind=BackendKind.MAILGUN,
            password=vault.encrypt("key-3ax6xnjp29jd6fds4gc373sgvjxteol0"),
            options={"sender_domain": "mg.escuela.example.pe", "api_url": fake.url + "/v3"},
        )
        fake.answer(200, {"id": "<20261125.1.AAAA@mg.escuela.example.pe>", "message": "Queued."})
        fake.answer(429, {"message": "Too many requests"})
        fake.answer(200, {"id": "<20261125.3.CCCC@mg.escuela.example.pe>", "message": "Queued."})
        campaign_to(contacts_on_a_list(3))
        scheduling.start_due_campaigns()
        worker = engine.Worker(open_transport())
        engine.send_batch(worker)
        worker.transport.close()

        sent = Message.objects.filter(status=MessageStatus.SENT).order_by("pk")
        self.assertEqual(
            list(sent.values_list("provider_message_id", flat=True)),
            [
                "<20261125.1.AAAA@mg.escuela.example.pe>",
                "<20261125.3.CCCC@mg.escuela.example.pe>",
            ],
        )
        waiting = Message.objects.get(status=MessageStatus.QUEUED)
        self.assertEqual((waiting.attempts, waiting.provider_message_id), (1, ""))
        self.assertEqual(QuotaDebit.objects.aggregate(total=Sum("count"))["total"], 2)
