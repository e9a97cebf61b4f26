from django.test import override_settings
from django.urls import reverse

from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact, Segment, Status
from pregon.testing import BaseTestCase, drafts


class CampaignDetailTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.list = drafts.mailing_list(count=3)
        self.campaign = drafts.draft(to=self.list, preheader="Inscripciones abiertas")
        self.url = reverse("campaigns:detail", args=[self.campaign.code])
        self.client.force_login(self.bob)

    def test_analysts_may_not_see_it(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_an_unknown_campaign_is_not_found(self) -> None:
        response = self.client.get("/campanas/6f1c2e9a-8d3b-4c1e-9f7a-2b5d8e0c4a11/")
        self.assertEqual(response.status_code, 404)

    def test_it_summarises_the_campaign(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "Hola {{ nombre }}")
        self.assertContains(response, "Inscripciones abiertas")
        self.assertContains(
            response, "Escuela de Capacitación &lt;capacitacion@escuela.example.pe&gt;"
        )
        self.assertContains(response, f'href="/plantillas/{self.campaign.template.code}/"')
        self.assertContains(response, "Participantes")

    def test_it_counts_the_recipients_before_sending(self) -> None:
        Contact.objects.filter(email="participantes0@example.pe").update(status=Status.UNSUBSCRIBED)
        response = self.client.get(self.url)
        self.assertContains(response, 'data-count="2"')
        self.assertContains(response, 'data-balance="50000"')
        self.assertNotContains(response, 'id="quota-warning"')
        self.assertNotContains(response, 'name="confirm"')

    def test_a_draft_offers_send_now_schedule_edit_cancel_and_duplicate(self) -> None:
        response = self.client.get(self.url)
        code = self.campaign.code
        for action in ("enviar-ahora", "programar", "duplicar", "prueba"):
            self.assertContains(response, f'action="/campanas/{code}/{action}/"')
        self.assertContains(response, f'href="/campanas/{code}/editar/"')
        self.assertContains(response, f'href="/campanas/{code}/cancelar/"')
        self.assertContains(response, 'type="datetime-local"')
        self.assertContains(response, "Time in America/Lima.")
        self.assertNotContains(response, f'action="/campanas/{code}/pausar/"')
        self.assertNotContains(response, 'id="campaign-progress"')

    @override_settings(QUOTA_MONTHLY=2)
    def test_it_warns_when_the_audience_exceeds_the_balance(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'data-balance="2"')
        self.assertContains(response, "it will stop at zero")
        self.assertContains(response, 'name="confirm"', count=2)

    def test_it_says_what_stops_it_from_being_sent(self) -> None:
        self.campaign.include_lists.clear()
        Campaign.objects.filter(pk=self.campaign.pk).update(sender=None, template=None)
        response = self.client.get(self.url)
        self.assertContains(response, "It can't be sent yet:")
        self.assertContains(response, "Choose a sender.")
        self.assertContains(response, "Choose a template.")
        self.assertContains(response, "Nobody would receive it")
        self.assertNotContains(response, 'id="campaign-send"')

    def test_a_template_with_errors_stops_it(self) -> None:
        template = self.campaign.template
        template.set_source("<p>Sin enlace de baja</p>")
        template.save()
        response = self.client.get(self.url)
        self.assertContains(
            response, "The template “Aviso” has errors to fix before it can be sent."
        )

    def test_a_broken_segment_is_explained(self) -> None:
        segment = Segment.objects.create(
            name="Roto",
            rules={"match": "all", "rules": [{"field": "lists", "op": "in", "value": ["Borrada"]}]},
        )
        self.campaign.include_segments.add(segment)
        response = self.client.get(self.url)
        self.assertContains(response, "The audience cannot be counted:")

    def test_a_scheduled_campaign_offers_unschedule(self) -> None:
        self.campaign.schedule(self.campaign.created_at.replace(year=2099))
        response = self.client.get(self.url)
        code = self.campaign.code
        self.assertContains(response, f'action="/campanas/{code}/desprogramar/"')
        self.assertNotContains(response, f'href="/campanas/{code}/editar/"')
        self.assertNotContains(response, 'id="campaign-send"')
        self.assertContains(response, 'id="campaign-progress"')
        self.assertContains(response, "Waiting for its time:")
