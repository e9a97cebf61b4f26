"""How a campaign ends, told by its messages' outcomes through a real SMTP server: "sent",
"sent with errors" or "failed", with the counts and the commonest refusal on its page, in
the API, and in an email to its creator."""

from django.core import mail
from django.test import override_settings
from django.urls import reverse

from pregon.accounts.models import ApiToken
from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.contacts.models import Contact, Status
from pregon.testing import BaseTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server

BLOCKED = "554 5.7.1 Service unavailable; client host [203.0.113.5] blocked using zen.example"


def send_everything() -> None:
    """What the scheduler and a sender process do, until nothing is left."""
    scheduling.start_due_campaigns()
    send_all()
    scheduling.follow_mailings()


@override_settings(SITE_URL="https://correo.escuela.example.pe")
class CampaignOutcomeTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.mailing_list = contacts_on_a_list(5)
        self.client.force_login(self.bob)

    def send(self, answer: object = None, name: str = "Becas <2026>") -> Campaign:
        """Send a campaign of bob's through a relay that answers with ``answer``."""
        with smtp_server(Mailbox(answer)):
            campaign = campaign_to(self.mailing_list)
            Campaign.objects.filter(pk=campaign.pk).update(name=name, created_by=self.bob)
            send_everything()
        campaign.refresh_from_db()
        return campaign

    def progress(self, campaign: Campaign) -> dict:
        token = ApiToken.issue(self.bob, "test")[1]
        url = f"/api/v1/campaigns/{campaign.code}/progress"
        return self.client.get(url, headers={"Authorization": f"Bearer {token}"}).json()

    def test_a_campaign_whose_every_message_is_refused_fails_and_its_creator_is_told_why(
        self,
    ) -> None:
        campaign = self.send(lambda recipient, attempt: BLOCKED)
        self.assertEqual(campaign.status, CampaignStatus.FAILED)
        self.assertIsNotNone(campaign.finished_at)

        # The campaign's page says it, with the reply most messages got.
        page = self.client.get(reverse("campaigns:detail", args=[campaign.code]))
        self.assertContains(page, 'data-status="failed"')
        self.assertContains(page, 'data-count="failed">5<')
        self.assertContains(
            page, "Not one message of the campaign “Becas &lt;2026&gt;” was accepted (5 messages)."
        )
        self.assertContains(page, "The sending server refused them.")
        self.assertContains(page, "The commonest answer (5 messages): “554 5.7.1 Service")

        # So does the API.
        body = self.progress(campaign)
        self.assertEqual(body["status"], "failed")
        self.assertEqual((body["counts"]["failed"], body["counts"]["sent"]), (5, 0))
        self.assertEqual(body["failure"]["code"], 554)
        self.assertEqual(body["failure"]["count"], 5)
        self.assertIn("blocked using zen.example", body["failure"]["reply"])

        # And its creator gets an email, in Spanish, with the reason in plain words.
        self.assertEqual(len(mail.outbox), 1)
        email = mail.outbox[0]
        self.assertEqual(email.to, ["bob@example.org"])
        self.assertEqual(email.subject, "La campaña “Becas <2026>” falló")
        self.assertIn("Ninguno de los mensajes de la campaña “Becas <2026>”", email.body)
        self.assertIn("El servidor de envío los rechazó.", email.body)
        self.assertIn("554 5.7.1 Service unavailable", email.body)
        self.assertIn(f"https://correo.escuela.example.pe/campanas/{campaign.code}/", email.body)
        html = email.alternatives[0][0]
        self.assertIn("“Becas &lt;2026&gt;”", html)

    def test_some_refusals_end_it_sent_with_errors_with_the_counts(self) -> None:
        Contact.objects.filter(email="persona0004@example.pe").update(status=Status.UNSUBSCRIBED)
        campaign = self.send(
            lambda recipient, attempt: BLOCKED if recipient.endswith("1@example.pe") else None,
            name="Curso de diciembre",
        )
        self.assertEqual(campaign.status, CampaignStatus.SENT_WITH_ERRORS)
        page = self.client.get(reverse("campaigns:detail", args=[campaign.code]))
        self.assertContains(page, "Sent with errors")
        self.assertContains(page, 'data-count="sent">3<')
        self.assertContains(page, 'data-count="failed">1<')
        self.assertContains(page, "1 message of the campaign “Curso de diciembre” failed")
        body = self.progress(campaign)
        self.assertEqual(body["status"], "partial")
        self.assertEqual((body["counts"]["sent"], body["counts"]["failed"]), (3, 1))
        self.assertEqual(body["percent"], 100)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(
            mail.outbox[0].subject, "La campaña “Curso de diciembre” se envió con errores"
        )

    def test_a_campaign_with_every_message_accepted_ends_sent_and_nobody_is_emailed(
        self,
    ) -> None:
        campaign = self.send()
        self.assertEqual(campaign.status, CampaignStatus.SENT)
        self.assertNotContains(
            self.client.get(reverse("campaigns:detail", args=[campaign.code])), "failure-notice"
        )
        self.assertIsNone(self.progress(campaign)["failure"])
        self.assertEqual(mail.outbox, [])
