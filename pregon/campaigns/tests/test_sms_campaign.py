"""SMS campaigns through the campaign screens and the scheduler's entry points, handed to a
real HTTP SMS gateway on 127.0.0.1: created with the SMS form, sent now or later to a
segment, reaching exactly the contacts with a mobile who did not opt out, once each;
cancelled; refused with what to fix; a test SMS."""

import datetime
import html
import re
from zoneinfo import ZoneInfo

import time_machine
from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse

from pregon.campaigns import scheduling
from pregon.campaigns.models import SMS_CANCELLED, Campaign, CampaignStatus, Channel
from pregon.scheduler import tick
from pregon.sending.models import SmsGateway, SmsMessage, SmsQuotaDebit, SmsStatus
from pregon.sending.sms import sender
from pregon.testing import BaseTestCase
from pregon.testing.providers import FakeProvider
from pregon.testing.sms import http_gateway
from pregon.testing.sms_campaigns import REACHED, sms_draft, sms_segment

LIMA = ZoneInfo("America/Lima")
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')


@override_settings(SMS_QUOTA_MONTHLY=1000, SITE_URL="https://pregon.example.gob.pe")
@time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=LIMA), tick=False)
class SmsCampaignTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.provider = FakeProvider()
        self.addCleanup(self.provider.stop)
        self.gateway = http_gateway(self.provider.url + "/api/sms")
        self.segment = sms_segment()
        self.client.force_login(self.bob)

    def url(self, name: str, campaign: Campaign) -> str:
        return reverse(f"campaigns:{name}", args=[campaign.code])

    def confirmed(self, name: str, campaign: Campaign, data: dict | None = None) -> HttpResponse:
        """Post to "send now" or "schedule", then confirm on the page that shows."""
        page = self.client.post(self.url(name, campaign), data or {})
        self.assertContains(page, 'id="confirm-send"')
        fields = {key: html.unescape(value) for key, value in HIDDEN.findall(page.text)}
        fields.pop("csrfmiddlewaretoken", None)
        return self.client.post(self.url(name, campaign), fields, follow=True)

    def deliver(self) -> None:
        """What the SMS sender does until nothing is due, the gateway accepting each SMS."""
        for n in range(10):
            self.provider.answer(200, {"id": f"gw-{n}", "status": "accepted"})
        while sender.send_due():
            pass

    def phones(self) -> list[str]:
        return sorted(request.json()["to"] for request in self.provider.received)

    def test_it_creates_an_sms_campaign_with_the_sms_form(self) -> None:
        page = self.client.get(reverse("campaigns:create_sms"))
        self.assertContains(page, 'data-sms-counter="sms-counter-labels"')
        self.assertContains(page, 'id="sms-counter-labels"')
        self.assertContains(page, "js/sms-counter.js")
        self.assertNotContains(page, 'name="subject"')
        response = self.client.post(
            reverse("campaigns:create_sms"),
            {
                "name": "Aviso",
                "sms_text": " Hola {{ nombre }} ",
                "include_segments": [self.segment.pk],
            },
        )
        campaign = Campaign.objects.get()
        self.assertRedirects(response, self.url("detail", campaign))
        self.assertEqual((campaign.channel, campaign.sms_text), (Channel.SMS, "Hola {{ nombre }}"))
        self.assertEqual(campaign.created_by, self.bob)
        detail = self.client.get(self.url("detail", campaign))
        self.assertContains(detail, 'data-count="3"')
        self.assertContains(detail, 'data-channel="sms"')
        self.assertContains(detail, "SMS parts left")
        edited = self.client.post(
            self.url("edit", campaign),
            {
                "name": "Aviso 2",
                "sms_text": "Hola {{ apodo }}",
                "include_segments": [self.segment.pk],
            },
        )
        self.assertContains(edited, "there is no field “apodo”")
        campaign.refresh_from_db()
        self.assertEqual(campaign.name, "Aviso")

    def test_the_list_shows_the_channel_and_both_buttons(self) -> None:
        sms_draft(self.segment)
        page = self.client.get(reverse("campaigns:index"))
        self.assertContains(page, 'id="campaign-new"')
        self.assertContains(page, 'id="campaign-new-sms"')
        self.assertContains(page, 'data-channel="sms"', count=1)
        self.assertContains(page, 'data-recipients="3"')

    def test_sent_now_it_reaches_the_reachable_contacts_once_each(self) -> None:
        campaign = sms_draft(self.segment)
        response = self.confirmed("send_now", campaign)
        self.assertContains(response, "The campaign starts within a few seconds.")
        self.assertEqual(scheduling.start_due_campaigns(), 1)
        # A start that ran again after a crash (the campaign back in "scheduled") queues
        # nobody twice.
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SCHEDULED)
        self.assertEqual(scheduling.start_due_campaigns(), 1)
        self.assertEqual(scheduling.start_due_campaigns(), 0)
        self.assertEqual(SmsMessage.objects.filter(campaign_id=campaign.pk).count(), 3)
        self.deliver()
        scheduling.follow_mailings()
        self.assertEqual(self.phones(), sorted(REACHED))
        for request in self.provider.received:
            text = request.json()["message"]
            self.assertTrue(text.startswith(f"Hola {REACHED[request.json()['to']]}, su curso"))
            self.assertIn("https://pregon.example.gob.pe/s/", text)
        campaign.refresh_from_db()
        self.assertEqual((campaign.status, campaign.sms_left_out_count), (CampaignStatus.SENT, 3))
        self.assertEqual(SmsQuotaDebit.objects.count(), 3)
        # A click on a short link counts in the report.
        link = re.search(r"https://pregon\.example\.gob\.pe(/s/\S+)", text).group(1)
        self.client.get(link)
        page = self.client.get(self.url("detail", campaign))
        for name, value in [("sent", 3), ("left-out", 3), ("clicked", 1), ("parts", 3)]:
            self.assertContains(page, f'data-count="{name}">{value}<')
        self.assertContains(page, 'aria-valuenow="100"')
        self.assertNotContains(page, self.url("pause", campaign))

    def test_scheduled_later_it_starts_at_its_time(self) -> None:
        campaign = sms_draft(self.segment)
        response = self.confirmed("schedule", campaign, {"at": "2026-12-01T18:00"})
        self.assertContains(response, "The campaign will be sent on Dec. 1, 2026 at 18:00.")
        tick()
        self.assertFalse(SmsMessage.objects.exists())
        self.assertEqual(self.provider.received, [])
        with time_machine.travel(datetime.datetime(2026, 12, 1, 18, 0, 5, tzinfo=LIMA)):
            tick()
            campaign.refresh_from_db()
            self.assertEqual(campaign.status, CampaignStatus.SENDING)
            self.deliver()
            tick()
        self.assertEqual(self.phones(), sorted(REACHED))
        campaign.refresh_from_db()
        self.assertEqual(campaign.status, CampaignStatus.SENT)

    def test_cancelled_its_queued_sms_are_not_sent(self) -> None:
        campaign = sms_draft(self.segment)
        self.confirmed("send_now", campaign)
        scheduling.start_due_campaigns()
        response = self.client.post(self.url("cancel", campaign), follow=True)
        self.assertContains(response, "Campaign cancelled: nothing more will be sent.")
        self.deliver()
        scheduling.follow_mailings()
        self.assertEqual(self.provider.received, [])
        replies = SmsMessage.objects.filter(campaign_id=campaign.pk).values_list("status", "reply")
        self.assertEqual(list(replies), [(SmsStatus.SKIPPED, SMS_CANCELLED)] * 3)
        campaign.refresh_from_db()
        self.assertEqual(campaign.status, CampaignStatus.CANCELLED)
        page = self.client.get(self.url("detail", campaign))
        self.assertContains(page, 'data-count="cancelled">3<')

    def test_it_cannot_be_paused(self) -> None:
        campaign = sms_draft(self.segment)
        campaign.schedule(campaign.created_at)
        scheduling.start_due_campaigns()
        self.client.post(self.url("pause", campaign))
        campaign.refresh_from_db()
        self.assertEqual(campaign.status, CampaignStatus.SENDING)

    def test_what_is_missing_is_said_in_spanish(self) -> None:
        self.use_spanish()
        SmsGateway.objects.all().delete()
        campaign = sms_draft(text="")
        page = self.client.get(self.url("detail", campaign))
        self.assertContains(page, "Escriba el texto del SMS.")
        self.assertContains(page, "No hay ninguna pasarela SMS en uso")
        self.assertContains(page, "Nadie la recibiría")
        response = self.client.post(self.url("send_now", campaign), follow=True)
        self.assertContains(response, "Escriba el texto del SMS.")
        campaign.refresh_from_db()
        self.assertEqual(campaign.status, CampaignStatus.DRAFT)

    def test_a_test_sms_goes_through_the_gateway_with_a_contacts_data(self) -> None:
        campaign = sms_draft(self.segment, text="Hola {{ nombre }}")
        ana = campaign.audience().get(first_name="Ana")
        self.provider.answer(200, {"id": "gw-test"})
        response = self.client.post(
            self.url("test_sms", campaign),
            {"phone": "987 654 329", "contact": ana.code},
            follow=True,
        )
        self.assertContains(response, "The gateway accepted the test SMS to +51987654329.")
        [request] = self.provider.received
        self.assertEqual(
            request.json(),
            {"to": "+51987654329", "message": "Hola Ana", "ref": request.json()["ref"]},
        )
        self.assertFalse(SmsMessage.objects.exists())
        landline = self.client.post(self.url("test_sms", campaign), {"phone": "01 412 3456"})
        self.assertContains(landline, "does not take SMS: write a mobile number.")

    def test_analysts_may_not_create_nor_test(self) -> None:
        campaign = sms_draft(self.segment)
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(reverse("campaigns:create_sms")).status_code, 403)
        response = self.client.post(self.url("test_sms", campaign), {"phone": "987654329"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.provider.received, [])
