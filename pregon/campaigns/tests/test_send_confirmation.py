"""The confirmation before "Send now" and "Schedule": who gets it (as the engine would
queue it), from whom, the subject and the time in Lima; nothing happens until confirmed."""

import datetime
import html
import re
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from pregon.accounts.models import AuditEntry
from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.contacts.models import Contact, Status, Suppression
from pregon.sending.models import Message
from pregon.testing import BaseTestCase, drafts

LIMA = ZoneInfo("America/Lima")
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')


@time_machine.travel(datetime.datetime(2026, 12, 1, 10, 5, tzinfo=LIMA), tick=False)
class SendConfirmationTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.campaign = drafts.draft(to=drafts.mailing_list(count=5), subject="Curso de Excel")
        # Left out of the count as the engine leaves them out of the queue.
        Contact.objects.filter(email="participantes0@example.pe").update(status=Status.BOUNCED)
        Suppression.objects.create(email="participantes1@example.pe")
        self.use_spanish()
        self.client.force_login(self.bob)

    def url(self, name: str) -> str:
        return reverse(f"campaigns:{name}", args=[self.campaign.code])

    def hidden(self, page: object) -> dict[str, str]:
        fields = {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}
        fields.pop("csrfmiddlewaretoken", None)
        return fields

    def assert_nothing_happened(self) -> None:
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, CampaignStatus.DRAFT)
        self.assertIsNone(self.campaign.scheduled_at)
        self.assertFalse(AuditEntry.objects.exists())

    def test_a_link_to_a_sample_address_is_warned_about_before_confirming(self) -> None:
        template = self.campaign.template
        template.html = template.html.replace(
            "</body>", '<a href="https://example.com/curso">Curso</a></body>'
        )
        template.save()
        page = self.client.post(self.url("send_now"))
        self.assertContains(page, 'id="confirm-template-warning"')
        self.assertContains(page, "example.com")
        self.assert_nothing_happened()

    def test_send_now_shows_count_sender_subject_and_lima_time_and_waits(self) -> None:
        page = self.client.post(self.url("send_now"))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "¿Enviar esta campaña ahora?")
        self.assertContains(page, '<dd class="col-sm-8" data-count="3">', count=1)
        self.assertContains(page, "Escuela de Capacitación &lt;capacitacion@escuela.example.pe&gt;")
        self.assertContains(page, '<dd class="col-sm-8" data-subject>Curso de Excel</dd>')
        self.assertContains(page, "Ahora: 1 de diciembre de 2026, 10:05 (America/Lima)")
        self.assertContains(page, f'action="{self.url("send_now")}"')
        self.assertContains(page, "Sí, enviarla ahora")
        self.assert_nothing_happened()

    def test_schedule_shows_the_chosen_time_in_lima(self) -> None:
        page = self.client.post(self.url("schedule"), {"at": "2026-12-01T18:00"})
        self.assertContains(page, "¿Programar esta campaña?")
        self.assertContains(page, "1 de diciembre de 2026, 18:00 (America/Lima)")
        self.assertEqual(self.hidden(page)["at"], "2026-12-01T18:00")
        self.assert_nothing_happened()

    def test_confirming_schedules_what_was_shown_and_the_engine_queues_that_many(self) -> None:
        page = self.client.post(self.url("send_now"))
        response = self.client.post(self.url("send_now"), self.hidden(page))
        self.assertRedirects(response, self.url("detail"))
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, CampaignStatus.SCHEDULED)
        self.assertEqual(scheduling.start(self.campaign), 3)
        self.assertEqual(Message.objects.count(), 3)

    def test_a_campaign_edited_since_the_confirmation_is_confirmed_again(self) -> None:
        page = self.client.post(self.url("schedule"), {"at": "2026-12-01T18:00"})
        # What the edit screen writes (see campaign_edit).
        Campaign.objects.filter(pk=self.campaign.pk).update(
            subject="Curso de Word", updated_at=datetime.datetime(2026, 12, 1, 10, 6, tzinfo=LIMA)
        )
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.subject, "Curso de Word")
        page = self.client.post(self.url("schedule"), self.hidden(page))
        self.assertContains(page, 'id="confirm-changed"')
        self.assertContains(page, "Curso de Word")
        self.assert_nothing_happened()

    def test_a_forged_confirmation_does_nothing(self) -> None:
        page = self.client.post(self.url("send_now"), {"confirmed": "sí"})
        self.assertContains(page, 'id="confirm-send"')
        self.assert_nothing_happened()

    def test_a_draft_explains_cancel_and_delete(self) -> None:
        response = self.client.get(self.url("detail"))
        self.assertContains(response, 'id="cancel-delete-help"')
        self.assertContains(response, "«Eliminar» borra este borrador para siempre.")
        Campaign.objects.filter(pk=self.campaign.pk).update(status=CampaignStatus.SCHEDULED)
        response = self.client.get(self.url("detail"))
        self.assertContains(response, "con su informe")
        self.assertNotContains(response, "«Eliminar»")
