from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns.models import Campaign
from pregon.sending.models import SenderIdentity
from pregon.testing import BaseTestCase


class SenderDeleteTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sender = SenderIdentity.objects.create(
            from_name="Escuela", from_email="a@escuela.example.pe"
        )
        self.url = reverse("sending:sender_delete", args=[self.sender.code])
        self.client.force_login(self.bob)

    def test_analysts_may_not_delete(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertTrue(SenderIdentity.objects.exists())

    def test_it_asks_first(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "Delete the sender identity “a@escuela.example.pe”?")
        self.assertTrue(SenderIdentity.objects.exists())

    def test_it_deletes_and_audits(self) -> None:
        response = self.client.post(self.url, follow=True)
        self.assertRedirects(response, "/envio/remitentes/")
        self.assertContains(response, "Sender “a@escuela.example.pe” deleted.")
        self.assertFalse(SenderIdentity.objects.exists())
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual(entry.target, "a@escuela.example.pe")
        self.assertEqual(entry.actor, self.bob)

    def test_a_sender_a_campaign_uses_is_kept_with_a_message(self) -> None:
        Campaign.objects.create(name="Curso", subject="Hola", sender=self.sender)
        response = self.client.post(self.url, follow=True)
        self.assertRedirects(response, "/envio/remitentes/")
        self.assertContains(response, "can&#x27;t be deleted: campaigns use it")
        self.assertTrue(SenderIdentity.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.DELETION).exists())
