import datetime
import html
import re
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine
from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns.models import Campaign, CampaignStatus, IllegalTransition
from pregon.sending.models import Mailing, MailingStatus
from pregon.testing import BaseTestCase, drafts

LIMA = ZoneInfo("America/Lima")
CHANGED = "The campaign already changed; reload to see its state."
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')


class CampaignActionTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.campaign = drafts.draft(to=drafts.mailing_list(count=3))
        self.detail = f"/campanas/{self.campaign.code}/"
        self.client.force_login(self.bob)

    def url(self, name: str) -> str:
        return reverse(f"campaigns:{name}", args=[self.campaign.code])

    def status(self) -> str:
        self.campaign.refresh_from_db()
        return self.campaign.status

    def audited(self, action: AuditAction) -> list[tuple[str, str, dict]]:
        entries = AuditEntry.objects.filter(action=action)
        return [(entry.actor_email, entry.target, entry.detail) for entry in entries]

    def confirmed(self, name: str, data: dict | None = None, **options: object) -> HttpResponse:
        """Post to "send now" or "schedule", then confirm on the page that shows."""
        page = self.client.post(self.url(name), data or {})
        self.assertContains(page, 'id="confirm-send"')
        fields = {key: html.unescape(value) for key, value in HIDDEN.findall(page.text)}
        fields.pop("csrfmiddlewaretoken", None)
        return self.client.post(self.url(name), fields, **options)

    def start(self) -> None:
        """Put the campaign in the state the scheduler leaves it in once started."""
        mailing = Mailing.objects.create(
            subject="Hola", html="<p>Hola</p>", text="Hola", sender=self.campaign.sender
        )
        Campaign.objects.filter(pk=self.campaign.pk).update(
            status=CampaignStatus.SENDING, mailing=mailing
        )


class SendNowTestCase(CampaignActionTestCase):
    def test_it_rejects_get(self) -> None:
        self.assertEqual(self.client.get(self.url("send_now")).status_code, 405)

    def test_analysts_may_not_send(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.url("send_now")).status_code, 403)
        self.assertEqual(self.status(), CampaignStatus.DRAFT)

    def test_it_schedules_for_now(self) -> None:
        with time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=LIMA), tick=False):
            self.client.force_login(self.bob)  # Sessions are short; this one starts now.
            response = self.confirmed("send_now", follow=True)
            self.assertRedirects(response, self.detail)
        self.assertContains(response, "The campaign starts within a few seconds.")
        self.assertEqual(self.status(), CampaignStatus.SCHEDULED)
        self.assertEqual(
            self.campaign.scheduled_at, datetime.datetime(2026, 12, 1, 10, tzinfo=LIMA)
        )
        self.assertEqual(
            self.audited(AuditAction.CAMPAIGN_SENT),
            [("bob@example.org", "Curso de diciembre", {"at": "2026-12-01T10:00-05:00"})],
        )

    def test_it_refuses_what_cannot_be_sent(self) -> None:
        self.campaign.include_lists.clear()
        Campaign.objects.filter(pk=self.campaign.pk).update(sender=None)
        response = self.client.post(self.url("send_now"), follow=True)
        self.assertContains(response, "Choose a sender.")
        self.assertContains(response, "Nobody would receive it")
        self.assertEqual(self.status(), CampaignStatus.DRAFT)

    def test_it_refuses_a_template_with_errors(self) -> None:
        template = self.campaign.template
        template.set_source("<p>Sin enlace de baja</p>")
        template.save()
        response = self.client.post(self.url("send_now"), follow=True)
        self.assertContains(response, "has errors to fix before it can be sent.")
        self.assertEqual(self.status(), CampaignStatus.DRAFT)

    @override_settings(QUOTA_MONTHLY=2)
    def test_a_short_quota_needs_a_confirmation(self) -> None:
        response = self.client.post(self.url("send_now"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Tick the box to send anyway: it will stop at zero.")
        self.assertEqual(self.status(), CampaignStatus.DRAFT)
        response = self.confirmed("send_now", {"confirm": "on"})
        self.assertRedirects(response, self.detail)
        self.assertEqual(self.status(), CampaignStatus.SCHEDULED)

    def test_a_campaign_no_longer_draft_is_not_sent_again(self) -> None:
        self.start()
        response = self.client.post(self.url("send_now"), follow=True)
        self.assertContains(response, CHANGED)
        self.assertEqual(self.status(), CampaignStatus.SENDING)
        self.assertEqual(self.audited(AuditAction.CAMPAIGN_SENT), [])

    def test_a_change_between_reading_and_writing_is_reported(self) -> None:
        with mock.patch.object(Campaign, "schedule", side_effect=IllegalTransition):
            response = self.confirmed("send_now", follow=True)
        self.assertContains(response, CHANGED)
        self.assertEqual(self.audited(AuditAction.CAMPAIGN_SENT), [])


@time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=LIMA), tick=False)
class ScheduleTestCase(CampaignActionTestCase):
    def test_it_rejects_get(self) -> None:
        self.assertEqual(self.client.get(self.url("schedule")).status_code, 405)

    def test_analysts_may_not_schedule(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.post(self.url("schedule"), {"at": "2026-12-01T18:00"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.status(), CampaignStatus.DRAFT)

    def test_the_time_is_read_in_the_accounts_time_zone(self) -> None:
        response = self.confirmed("schedule", {"at": "2026-12-01T18:00"}, follow=True)
        self.assertRedirects(response, self.detail)
        self.assertContains(response, "The campaign will be sent on Dec. 1, 2026 at 18:00.")
        self.assertEqual(self.status(), CampaignStatus.SCHEDULED)
        self.assertEqual(
            self.campaign.scheduled_at, datetime.datetime(2026, 12, 1, 23, 0, tzinfo=datetime.UTC)
        )
        self.assertEqual(
            self.audited(AuditAction.CAMPAIGN_SENT),
            [("bob@example.org", "Curso de diciembre", {"at": "2026-12-01T18:00-05:00"})],
        )

    def test_the_time_zone_is_the_accounts_whatever_the_language(self) -> None:
        self.use_spanish()
        self.confirmed("schedule", {"at": "2026-12-01T18:00"})
        self.campaign.refresh_from_db()
        self.assertEqual(
            self.campaign.scheduled_at, datetime.datetime(2026, 12, 1, 23, 0, tzinfo=datetime.UTC)
        )

    def test_a_past_time_is_refused(self) -> None:
        for at in ("2026-12-01T09:59", "2025-01-01T10:00", "2026-12-01T10:00"):
            with self.subTest(at=at):
                response = self.client.post(self.url("schedule"), {"at": at})
                self.assertEqual(response.status_code, 200)
                self.assertContains(
                    response, "That time has already passed; choose a later one, or send now."
                )
        self.assertEqual(self.status(), CampaignStatus.DRAFT)
        self.assertIsNone(self.campaign.scheduled_at)
        self.assertEqual(self.audited(AuditAction.CAMPAIGN_SENT), [])

    def test_a_missing_or_malformed_time_is_refused(self) -> None:
        for data in ({}, {"at": "mañana"}):
            with self.subTest(data=data):
                response = self.client.post(self.url("schedule"), data)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["schedule_form"].errors["at"])
        self.assertEqual(self.status(), CampaignStatus.DRAFT)

    @override_settings(QUOTA_MONTHLY=2)
    def test_a_short_quota_needs_a_confirmation(self) -> None:
        response = self.client.post(self.url("schedule"), {"at": "2026-12-01T18:00"})
        self.assertContains(response, "it will stop at zero")
        self.assertEqual(self.status(), CampaignStatus.DRAFT)
        data = {"at": "2026-12-01T18:00", "confirm": "on"}
        self.assertRedirects(self.confirmed("schedule", data), self.detail)
        self.assertEqual(self.status(), CampaignStatus.SCHEDULED)

    def test_an_empty_audience_is_refused(self) -> None:
        self.campaign.include_lists.clear()
        response = self.client.post(self.url("schedule"), {"at": "2026-12-01T18:00"}, follow=True)
        self.assertContains(response, "Nobody would receive it")
        self.assertEqual(self.status(), CampaignStatus.DRAFT)

    def test_a_missing_template_is_refused(self) -> None:
        Campaign.objects.filter(pk=self.campaign.pk).update(template=None)
        response = self.client.post(self.url("schedule"), {"at": "2026-12-01T18:00"}, follow=True)
        self.assertContains(response, "Choose a template.")
        self.assertEqual(self.status(), CampaignStatus.DRAFT)


class UnscheduleTestCase(CampaignActionTestCase):
    def test_it_goes_back_to_draft(self) -> None:
        self.campaign.schedule(datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC))
        response = self.client.post(self.url("unschedule"), follow=True)
        self.assertRedirects(response, self.detail)
        self.assertContains(response, "Back to draft: it won&#x27;t be sent.")
        self.assertEqual(self.status(), CampaignStatus.DRAFT)
        self.assertIsNone(self.campaign.scheduled_at)

    def test_a_draft_cannot_be_unscheduled(self) -> None:
        response = self.client.post(self.url("unschedule"), follow=True)
        self.assertContains(response, CHANGED)
        self.assertEqual(self.status(), CampaignStatus.DRAFT)

    def test_analysts_may_not_unschedule(self) -> None:
        self.campaign.schedule(datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC))
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.url("unschedule")).status_code, 403)
        self.assertEqual(self.status(), CampaignStatus.SCHEDULED)


class PauseAndResumeTestCase(CampaignActionTestCase):
    def test_a_sending_campaign_pauses_and_resumes(self) -> None:
        self.start()
        response = self.client.post(self.url("pause"), follow=True)
        self.assertContains(response, "Paused: messages already handed over still arrive.")
        self.assertEqual(self.status(), CampaignStatus.PAUSED)
        self.assertEqual(self.campaign.mailing.status, MailingStatus.PAUSED)
        self.assertContains(response, f'action="{self.url("resume")}"')
        response = self.client.post(self.url("resume"), follow=True)
        self.assertContains(response, "Sending again.")
        self.assertEqual(self.status(), CampaignStatus.SENDING)
        self.campaign.mailing.refresh_from_db()
        self.assertEqual(self.campaign.mailing.status, MailingStatus.ACTIVE)
        self.assertEqual(
            self.audited(AuditAction.CAMPAIGN_STOPPED),
            [("bob@example.org", "Curso de diciembre", {"what": "paused"})],
        )

    def test_illegal_moves_say_the_campaign_changed(self) -> None:
        # A draft may move to "sending" (the scheduler starts it so), but never by "resume".
        for action in ("pause", "resume"):
            with self.subTest(action=action):
                response = self.client.post(self.url(action), follow=True)
                self.assertContains(response, CHANGED)
                self.assertEqual(self.status(), CampaignStatus.DRAFT)
        self.assertEqual(self.audited(AuditAction.CAMPAIGN_STOPPED), [])

    def test_they_reject_get_and_analysts(self) -> None:
        self.start()
        for action in ("pause", "resume"):
            self.assertEqual(self.client.get(self.url(action)).status_code, 405)
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.url("pause")).status_code, 403)
        self.assertEqual(self.status(), CampaignStatus.SENDING)


class CancelTestCase(CampaignActionTestCase):
    def test_it_asks_first(self) -> None:
        response = self.client.get(self.url("cancel"))
        self.assertContains(response, "Cancel the campaign “Curso de diciembre”?")
        self.assertEqual(self.status(), CampaignStatus.DRAFT)

    def test_it_cancels_a_sending_campaign_and_its_mailing(self) -> None:
        self.start()
        response = self.client.post(self.url("cancel"), follow=True)
        self.assertRedirects(response, self.detail)
        self.assertContains(response, "Campaign cancelled: nothing more will be sent.")
        self.assertEqual(self.status(), CampaignStatus.CANCELLED)
        self.assertEqual(self.campaign.mailing.status, MailingStatus.CANCELLED)
        self.assertIsNotNone(self.campaign.finished_at)
        self.assertNotContains(response, f'href="{self.url("cancel")}"')
        self.assertEqual(
            self.audited(AuditAction.CAMPAIGN_STOPPED),
            [("bob@example.org", "Curso de diciembre", {"what": "cancelled"})],
        )

    def test_a_sent_campaign_cannot_be_cancelled(self) -> None:
        Campaign.objects.filter(pk=self.campaign.pk).update(status=CampaignStatus.SENT)
        response = self.client.post(self.url("cancel"), follow=True)
        self.assertContains(response, CHANGED)
        self.assertEqual(self.status(), CampaignStatus.SENT)
        self.assertEqual(self.audited(AuditAction.CAMPAIGN_STOPPED), [])

    def test_analysts_may_not_cancel(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.url("cancel")).status_code, 403)
        self.assertEqual(self.status(), CampaignStatus.DRAFT)
        self.assertEqual(self.audited(AuditAction.CAMPAIGN_STOPPED), [])


class DuplicateTestCase(CampaignActionTestCase):
    def test_it_makes_a_draft_copy_and_opens_it(self) -> None:
        self.start()
        response = self.client.post(self.url("duplicate"))
        copy = Campaign.objects.exclude(pk=self.campaign.pk).get()
        self.assertRedirects(response, f"/campanas/{copy.code}/editar/")
        self.assertEqual(copy.status, CampaignStatus.DRAFT)
        self.assertEqual(copy.name, "Copy of Curso de diciembre")
        self.assertEqual(copy.created_by, self.bob)
        self.assertEqual(list(copy.include_lists.all()), list(self.campaign.include_lists.all()))
        self.assertIsNone(copy.mailing)

    def test_it_rejects_get_and_analysts(self) -> None:
        self.assertEqual(self.client.get(self.url("duplicate")).status_code, 405)
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.url("duplicate")).status_code, 403)
        self.assertEqual(Campaign.objects.count(), 1)
