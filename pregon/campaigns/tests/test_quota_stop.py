"""A campaign larger than the balance stops at zero, and goes on after a credit."""

from django.db.models import Sum
from django.test import TestCase, override_settings

from pregon.campaigns.models import CampaignStatus
from pregon.scheduler import tick
from pregon.sending import quota
from pregon.sending.models import QuotaDebit
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server


@override_settings(QUOTA_MONTHLY=30)
class QuotaStopTestCase(TestCase):
    def test_a_pause_of_a_person_s_own_does_not_end_by_itself(self) -> None:
        with smtp_server(Mailbox()):
            campaign = campaign_to(contacts_on_a_list(5))
            tick()
            campaign.refresh_from_db()
            campaign.pause()
            tick()
            campaign.refresh_from_db()
        self.assertEqual(campaign.status, CampaignStatus.PAUSED)

    def test_it_stops_at_zero_and_a_credit_lets_it_finish(self) -> None:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            campaign = campaign_to(contacts_on_a_list(50))
            tick()
            send_all(batch=7)
            tick()
            self.assertEqual(len(mailbox.received), 30)
            self.assertEqual(quota.balance(), 0)
            campaign.refresh_from_db()
            self.assertEqual(campaign.status, CampaignStatus.PAUSED)

            # A credit (or a new month) lets it go on by itself at the next tick.
            quota.credit(20, "Mensajes de la prueba de carga", None)
            tick()
            campaign.refresh_from_db()
            self.assertEqual(campaign.status, CampaignStatus.SENDING)
            send_all(batch=7)
            tick()
        self.assertEqual(len(mailbox.received), 50)
        self.assertEqual(len(mailbox.count()), 50)
        self.assertEqual(QuotaDebit.objects.aggregate(total=Sum("count"))["total"], 50)
        campaign.refresh_from_db()
        self.assertEqual(campaign.status, CampaignStatus.SENT)
