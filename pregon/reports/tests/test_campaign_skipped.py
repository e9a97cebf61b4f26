"""The campaign report counts the messages skipped at send time, by reason (pause, frequency
cap, unsubscribed, suppressed), on its page and in the API, from a campaign the engine sent;
a contact's history says why theirs was skipped."""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact, Status, Suppression
from pregon.sending.models import SendingLimits
from pregon.testing.api import ApiTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server


class CampaignSkippedTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Six contacts: one is over the frequency cap (a campaign a day ago), one paused,
        # one unsubscribed and one suppressed once the campaign started; two receive it.
        mailing_list = contacts_on_a_list(6)
        SendingLimits.objects.create(pk=1, frequency_cap=1)
        with smtp_server(Mailbox()):
            earlier = campaign_to(mailing_list)
            scheduling.start_due_campaigns()
            earlier.refresh_from_db()
            earlier.mailing.messages.exclude(email="persona0000@example.pe").delete()
            send_all()
            self.campaign: Campaign = campaign_to(mailing_list)
            scheduling.start_due_campaigns()
            Contact.objects.filter(email="persona0001@example.pe").update(
                paused_until=timezone.now() + datetime.timedelta(days=60)
            )
            Contact.objects.filter(email="persona0002@example.pe").update(
                status=Status.UNSUBSCRIBED
            )
            Suppression.objects.create(email="persona0003@example.pe")
            send_all()

    def test_the_page_shows_each_reason(self) -> None:
        client = Client()
        client.cookies["pregon_language"] = "es"
        client.force_login(self.charlie)
        response = client.get(reverse("reports:campaign", args=[self.campaign.code]))
        content = response.content.decode()
        card = content[content.index('data-figure="skipped"') :][:400]
        self.assertIn("Omitidos", card)
        self.assertIn('<div class="display-6" data-value>4</div>', card)
        self.assertIn("pausa 1 · límite de frecuencia 1 · baja 1 · supresión 1", card)

    def test_the_api_gives_the_counts(self) -> None:
        response = self.call("GET", f"/campaigns/{self.campaign.code}/report")
        self.assertEqual(response.status_code, 200)
        figures = response.json()["figures"]
        self.assertEqual(
            figures["skipped"],
            {"paused": 1, "frequency_cap": 1, "left": 1, "suppressed": 1, "total": 4},
        )
        self.assertEqual(figures["sent"], 2)

    def test_the_contacts_history_says_why(self) -> None:
        capped = Contact.objects.get(email="persona0000@example.pe")
        client = Client()
        client.cookies["pregon_language"] = "es"
        client.force_login(self.bob)
        response = client.get(reverse("reports:contact_history", args=[capped.code]))
        self.assertContains(response, "Omitido: Límite de frecuencia")
        response = self.call("GET", f"/contacts/{capped.code}/history")
        reasons = [entry["skip_reason"] for entry in response.json()["items"]]
        self.assertEqual(sorted(reasons), ["", "frequency_cap"])
