"""Campaign approval through the API: scheduling refused with the screen's words until an
administrator approves, the steps and their 409s, an edit (PATCH) that needs a new
approval, and the setting, for administrators."""

from django.core import mail

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns.models import AbKind, AbTest, AbVariant, CampaignSettings, CampaignStatus
from pregon.sending import quota
from pregon.testing import drafts
from pregon.testing.api import ApiTestCase


class ApprovalApiTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        quota.ensure_plan()
        CampaignSettings.objects.create(pk=1, approval_required=True, approval_threshold=2)
        self.campaign = drafts.draft(to=drafts.mailing_list(count=3), created_by=self.bob)
        self.base = f"/campaigns/{self.campaign.code}"
        self.admin = self.token_for(self.alice)

    def schedule(self) -> object:
        return self.call("POST", f"{self.base}/schedule", {"confirm": True})

    def test_it_schedules_only_once_approved_and_again_after_an_edit(self) -> None:
        refused = self.schedule()
        self.assertEqual(refused.status_code, 422)
        self.assertEqual(
            refused.json()["errors"]["approval"],
            ["Campaigns to more than 2 recipients need an administrator's approval: ask for it."],
        )
        body = self.call("GET", f"{self.base}/approval").json()
        self.assertEqual((body["needed"], body["state"]), (True, ""))

        with self.captureOnCommitCallbacks(execute=True):
            asked = self.call("POST", f"{self.base}/approval/request")
        self.assertEqual(asked.status_code, 200, asked.content)
        self.assertEqual(
            (asked.json()["state"], asked.json()["requested_by"]), ("requested", "bob@example.org")
        )
        self.assertEqual([message.to for message in mail.outbox], [["alice@example.org"]])
        again = self.call("POST", f"{self.base}/approval/request")
        self.assertEqual(again.status_code, 409)
        self.assertIn("waiting for approval already", again.json()["detail"])
        self.assertEqual(
            self.schedule().json()["errors"]["approval"],
            ["It is waiting for an administrator's approval."],
        )

        # Only an administrator decides.
        decision = {"approve": True, "note": "Bien."}
        self.assertEqual(
            self.call("POST", f"{self.base}/approval/decide", decision).status_code, 403
        )
        digest = body["digest"]
        with self.captureOnCommitCallbacks(execute=True):
            approved = self.call(
                "POST",
                f"{self.base}/approval/decide",
                {**decision, "digest": digest},
                token=self.admin,
            )
        self.assertEqual(approved.status_code, 200, approved.content)
        self.assertEqual(
            (approved.json()["state"], approved.json()["decided_by"], approved.json()["note"]),
            ("approved", "alice@example.org", "Bien."),
        )
        self.assertEqual(mail.outbox[-1].to, ["bob@example.org"])

        edited = self.call("PATCH", self.base, {"subject": "Otro asunto"})
        self.assertEqual(edited.status_code, 200)
        self.assertEqual(self.call("GET", f"{self.base}/approval").json()["state"], "edited")
        self.assertEqual(
            self.schedule().json()["errors"]["approval"],
            ["It was edited after it was approved: it needs a new approval."],
        )
        # The old digest no longer names the campaign.
        stale = self.call(
            "POST", f"{self.base}/approval/decide", {**decision, "digest": digest}, token=self.admin
        )
        self.assertEqual(stale.status_code, 409)
        self.call("POST", f"{self.base}/approval/decide", decision, token=self.admin)
        scheduled = self.schedule()
        self.assertEqual(scheduled.status_code, 200, scheduled.content)
        self.assertEqual(scheduled.json()["status"], CampaignStatus.SCHEDULED)
        whats = list(
            AuditEntry.objects.filter(action=AuditAction.CAMPAIGN_APPROVAL)
            .order_by("pk")
            .values_list("detail__what", flat=True)
        )
        self.assertEqual(whats, ["requested", "approved", "approved"])
        # A scheduled campaign is no draft: nothing to approve or ask for.
        late = self.call("POST", f"{self.base}/approval/request")
        self.assertEqual(late.status_code, 409)

    def test_a_refusal_needs_a_note(self) -> None:
        response = self.call(
            "POST", f"{self.base}/approval/decide", {"approve": False}, token=self.admin
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("note", response.json()["errors"])
        refused = self.call(
            "POST",
            f"{self.base}/approval/decide",
            {"approve": False, "note": "Cambie el asunto."},
            token=self.admin,
        )
        self.assertEqual(refused.json()["state"], "refused")
        self.assertEqual(
            self.schedule().json()["errors"]["approval"],
            ["An administrator refused it; change it and ask for approval again."],
        )
        unknown = self.call("GET", "/campaigns/5d0e8f4e-0000-4000-8000-000000000000/approval")
        self.assertEqual(unknown.status_code, 404)

    def test_the_setting_is_for_administrators(self) -> None:
        self.assertEqual(self.call("GET", "/approval-settings").status_code, 403)
        self.assertEqual(
            self.call("GET", "/approval-settings", token=self.admin).json(),
            {"approval_required": True, "approval_threshold": 2},
        )
        bad = self.call(
            "PUT",
            "/approval-settings",
            {"approval_required": True, "approval_threshold": -5},
            token=self.admin,
        )
        self.assertEqual(bad.status_code, 422)
        self.assertIn("approval_threshold", bad.json()["errors"])
        saved = self.call(
            "PUT",
            "/approval-settings",
            {"approval_required": False, "approval_threshold": 100},
            token=self.admin,
        )
        self.assertEqual(saved.json(), {"approval_required": False, "approval_threshold": 100})
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.CAMPAIGN_APPROVAL).exists())
        self.assertEqual(self.schedule().status_code, 200)

    def test_an_ab_test_set_up_or_changed_after_the_approval_needs_a_new_one(self) -> None:
        decision = {"approve": True, "note": ""}
        self.call("POST", f"{self.base}/approval/decide", decision, token=self.admin)
        self.assertEqual(self.call("GET", f"{self.base}/approval").json()["state"], "approved")
        test = AbTest.objects.create(campaign=self.campaign, kind=AbKind.SUBJECT)
        AbVariant.objects.create(test=test, number=1, subject="Asunto A")
        AbVariant.objects.create(test=test, number=2, subject="Asunto B")
        self.assertEqual(self.call("GET", f"{self.base}/approval").json()["state"], "edited")
        self.call("POST", f"{self.base}/approval/decide", decision, token=self.admin)
        AbVariant.objects.filter(number=2).update(subject="Asunto C")
        self.assertEqual(
            self.schedule().json()["errors"]["approval"],
            ["It was edited after it was approved: it needs a new approval."],
        )
        self.call("POST", f"{self.base}/approval/decide", decision, token=self.admin)
        self.assertEqual(self.schedule().status_code, 200)
