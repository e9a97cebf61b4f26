"""A campaign larger than the balance stops at zero, and goes on after a credit."""

from django.db.models import Sum
from django.test import TestCase, override_settings

from pregon.campaigns.models import CampaignStatus
from pregon.campaigns.tests.data import campaign_to, contacts_on_a_list
from pregon.campaigns.tests.smtp import Mailbox, smtp_server
from pregon.scheduler import tick
from pregon.sending import engine, quota
from pregon.sending.models import QuotaDebit
from pregon.sending.transports import open_transport


def send_all() -> None:
    worker = engine.Worker(open_transport())
    while engine.send_batch(worker, size=7):
        pass
    worker.transport.close()


@override_settings(QUOTA_MONTHLY=30)
class QuotaStopTestCase(TestCase):
    def test_it_stops_at_zero_and_a_credit_lets_it_finish(self) -> None:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            campaign = campaign_to(contacts_on_a_list(50))
            tick()
            send_all()
            tick()
            self.assertEqual(len(mailbox.received), 30)
            self.assertEqual(quota.balance(), 0)
            campaign.refresh_from_db()
            self.assertEqual(campaign.status, CampaignStatus.PAUSED)

            quota.credit(20, "Mensajes de la prueba de carga", None)
            campaign.resume()
            send_all()
            tick()
        self.assertEqual(len(mailbox.received), 50)
        self.assertEqual(len(mailbox.count()), 50)
        self.assertEqual(QuotaDebit.objects.aggregate(total=Sum("count"))["total"], 50)
        campaign.refresh_from_db()
        self.assertEqual(campaign.status, CampaignStatus.SENT)
