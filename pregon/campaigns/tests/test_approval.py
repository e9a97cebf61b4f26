"""Campaign approval through the screens: the setting, the card on the campaign's page,
asking (an editor), approving or refusing with a note (an administrator), each audited and
emailed; "Send now" refused until approved, and again after an edit."""

import re

from django.core import mail
from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns import scheduling
from pregon.campaigns.models import Approval, Campaign, CampaignSettings, CampaignStatus
from pregon.testing import BaseTestCase, drafts

HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


class ApprovalTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        CampaignSettings.objects.create(pk=1, approval_required=True, approval_threshold=3)
        self.campaign = drafts.draft(
            to=drafts.mailing_list(count=4), subject="Curso de Excel", created_by=self.bob
        )

    def url(self, name: str) -> str:
        return reverse(f"campaigns:{name}", args=[self.campaign.code])

    def send_now(self) -> None:
        """Press "Send now" and confirm, as a person does."""
        page = self.client.post(self.url("send_now"))
        if page.status_code == 200:
            hidden = dict(HIDDEN.findall(page.text))
            hidden.pop("csrfmiddlewaretoken", None)
            self.client.post(self.url("send_now"), hidden)

    def status(self) -> str:
        self.campaign.refresh_from_db()
        return self.campaign.status

    def decide(self, decision: str, note: str = "") -> object:
        page = self.client.get(self.url("detail"))
        digest = re.search(r'name="digest" value="([0-9a-f]{64})"', page.text).group(1)
        return self.client.post(
            self.url("approval_decide"), {"decision": decision, "note": note, "digest": digest}
        )

    def test_a_large_campaign_waits_for_approval_then_an_edit_needs_another(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(self.url("detail"))
        self.assertContains(page, 'id="campaign-approval" data-approval="needed"')
        self.assertContains(page, "Campaigns to more than 3 recipients need an administrator")
        self.assertContains(page, 'id="approval-request"')
        self.assertNotContains(page, 'id="approval-approve"')
        self.assertNotContains(page, 'id="campaign-send"')
        self.send_now()
        self.assertEqual(self.status(), CampaignStatus.DRAFT)

        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url("approval_request"), follow=True)
        self.assertContains(response, "the administrators were told by email")
        self.assertContains(response, 'data-approval="requested"')
        self.assertContains(response, "It is waiting for an administrator")
        [asked] = mail.outbox
        self.assertEqual(asked.to, ["alice@example.org"])
        self.assertIn("Curso de diciembre", asked.subject)
        self.assertIn(self.url("detail"), asked.body)
        # An editor cannot decide.
        self.assertEqual(self.decide_as_editor(), 403)

        self.client.force_login(self.alice)
        page = self.client.get(self.url("detail"))
        self.assertContains(page, 'id="approval-approve"')
        with self.captureOnCommitCallbacks(execute=True):
            response = self.decide("approve", "Revisado: cifras correctas.")
        self.assertRedirects(response, self.url("detail"))
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.approval, Approval.APPROVED)
        self.assertEqual(self.campaign.approval_decided_by, self.alice)
        told = mail.outbox[1]
        self.assertEqual(told.to, ["bob@example.org"])
        self.assertIn("Revisado: cifras correctas.", told.body)

        self.client.force_login(self.bob)
        page = self.client.get(self.url("detail"))
        self.assertContains(page, 'data-approval="approved"')
        self.assertContains(page, "Revisado: cifras correctas.")
        self.assertContains(page, 'id="campaign-send"')
        self.send_now()
        self.assertEqual(self.status(), CampaignStatus.SCHEDULED)

        # Unscheduled and edited: the approval no longer holds.
        self.client.post(self.url("unschedule"))
        Campaign.objects.filter(pk=self.campaign.pk).update(subject="Curso de Word")
        page = self.client.get(self.url("detail"))
        self.assertContains(page, 'data-approval="edited"')
        self.assertContains(page, "It was edited after it was approved: it needs a new approval.")
        self.send_now()
        self.assertEqual(self.status(), CampaignStatus.DRAFT)
        actions = list(
            AuditEntry.objects.filter(action=AuditAction.CAMPAIGN_APPROVAL)
            .order_by("pk")
            .values_list("actor__email", "detail__what")
        )
        self.assertEqual(
            actions, [("bob@example.org", "requested"), ("alice@example.org", "approved")]
        )

    def decide_as_editor(self) -> int:
        return self.client.post(self.url("approval_decide"), {"decision": "approve"}).status_code

    def test_a_refusal_needs_a_note_and_is_told_to_who_asked(self) -> None:
        self.client.force_login(self.bob)
        self.client.post(self.url("approval_request"))
        self.client.force_login(self.alice)
        response = self.client.post(
            self.url("approval_decide"), {"decision": "refuse"}, follow=True
        )
        self.assertContains(response, "Say in the note why it is refused")
        self.assertEqual(Campaign.objects.get().approval, Approval.REQUESTED)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.decide("refuse", "Falta el logo <b>nuevo</b>.")
        self.campaign.refresh_from_db()
        self.assertEqual(
            (self.campaign.approval, self.campaign.approval_note),
            (Approval.REFUSED, "Falta el logo <b>nuevo</b>."),
        )
        [told] = mail.outbox
        self.assertEqual(told.to, ["bob@example.org"])
        self.assertIn("Curso de diciembre", told.subject)
        self.assertIn("Falta el logo <b>nuevo</b>.", told.body)
        self.client.force_login(self.bob)
        page = self.client.get(self.url("detail"))
        self.assertContains(page, "Falta el logo &lt;b&gt;nuevo&lt;/b&gt;.")
        self.assertContains(page, "An administrator refused it")
        self.assertContains(page, 'id="approval-request"')
        entry = AuditEntry.objects.filter(action=AuditAction.CAMPAIGN_APPROVAL).latest("pk")
        self.assertEqual(entry.detail, {"what": "refused", "note": "Falta el logo <b>nuevo</b>."})

    def test_an_administrator_approves_what_was_shown_not_a_later_edit(self) -> None:
        self.client.force_login(self.alice)
        page = self.client.get(self.url("detail"))
        digest = re.search(r'name="digest" value="([0-9a-f]{64})"', page.text).group(1)
        Campaign.objects.filter(pk=self.campaign.pk).update(preheader="Solo hoy")
        response = self.client.post(
            self.url("approval_decide"), {"decision": "approve", "digest": digest}, follow=True
        )
        self.assertContains(response, "The campaign was changed since you saw it")
        self.assertEqual(Campaign.objects.get().approval, "")

    def test_a_small_campaign_or_the_setting_off_needs_none(self) -> None:
        self.client.force_login(self.bob)
        small = drafts.draft(to=drafts.mailing_list("Pocos", count=3))
        page = self.client.get(reverse("campaigns:detail", args=[small.code]))
        self.assertNotContains(page, 'id="campaign-approval"')
        self.assertContains(page, 'id="campaign-send"')
        CampaignSettings.objects.update(approval_required=False)
        page = self.client.get(self.url("detail"))
        self.assertNotContains(page, 'id="campaign-approval"')
        response = self.client.post(self.url("approval_request"), follow=True)
        self.assertContains(response, "This campaign needs no approval.")
        self.send_now()
        self.assertEqual(self.status(), CampaignStatus.SCHEDULED)

    def test_the_setting_is_for_administrators_and_audited(self) -> None:
        url = reverse("campaigns:approval_settings")
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(url), 'name="approval_threshold"')
        response = self.client.post(url, {"approval_threshold": "-1"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(CampaignSettings.load().approval_threshold, 3)
        response = self.client.post(url, {"approval_required": "on", "approval_threshold": "10"})
        self.assertRedirects(response, url)
        rule = CampaignSettings.load()
        self.assertEqual((rule.approval_required, rule.approval_threshold), (True, 10))
        entry = AuditEntry.objects.get(action=AuditAction.CAMPAIGN_APPROVAL)
        self.assertEqual(entry.detail, {"what": "settings", "required": True, "threshold": 10})
        # 4 recipients are not more than 10.
        page = self.client.get(self.url("detail"))
        self.assertNotContains(page, 'id="campaign-approval"')

    def test_an_outsider_cannot_ask(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.url("approval_request")).status_code, 403)
        self.assertEqual(Campaign.objects.get().approval, "")

    def approve_and_schedule(self) -> None:
        self.client.force_login(self.bob)
        self.client.post(self.url("approval_request"))
        self.client.force_login(self.alice)
        self.decide("approve", "Bien.")
        self.client.force_login(self.bob)
        self.send_now()
        self.assertEqual(self.status(), CampaignStatus.SCHEDULED)

    def test_a_template_edited_while_scheduled_sends_nothing_unapproved(self) -> None:
        self.approve_and_schedule()
        template = self.campaign.template
        template.html = template.html.replace("</body>", "<p>Texto no aprobado</p></body>")
        template.save()
        mail.outbox.clear()
        scheduling.start_due_campaigns()
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, CampaignStatus.DRAFT)
        self.assertIsNone(self.campaign.mailing_id)
        page = self.client.get(self.url("detail"))
        self.assertContains(page, "It was edited after it was approved: it needs a new approval.")
        # The one who asked for the approval is told, with a link to the campaign.
        [told] = mail.outbox
        self.assertEqual(told.to, [self.bob.email])
        self.assertIn(self.campaign.name, told.subject)
        self.assertIn(self.url("detail"), told.body)

    def test_an_approved_campaign_unchanged_starts(self) -> None:
        self.approve_and_schedule()
        scheduling.start_due_campaigns()
        self.assertEqual(self.status(), CampaignStatus.SENDING)
