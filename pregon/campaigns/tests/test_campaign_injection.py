"""Template injection through the campaign screen: each payload in the subject or the
preheader is refused in Spanish, and nothing is saved; a test send of content saved before
the rules shows the reason instead of a 500."""

from django.urls import reverse

from pregon.campaigns.models import Campaign
from pregon.testing import BaseTestCase, drafts
from pregon.testing.injection import LONGEST_FIELD, PAYLOADS
from pregon.testing.smtp import Mailbox, smtp_server


class CampaignInjectionTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        self.use_spanish()
        self.list = drafts.mailing_list()
        self.campaign = drafts.draft(self.list)
        self.saved = Campaign.objects.values().get()

    def data(self, **changes: str) -> dict[str, object]:
        return {
            "name": "Curso de enero",
            "subject": "Hola {{ nombre }}",
            "preheader": 'Para {{ nombre | default("colega") }}',
            "include_lists": [self.list.pk],
            **changes,
        }

    def test_each_payload_is_refused_in_the_subject_and_the_preheader(self) -> None:
        # Written in a field, the split tag is plain text: the first payload is no attack here.
        for payload, words in PAYLOADS[1:]:
            if len(payload) > LONGEST_FIELD:
                words = "255"  # Longer than either field may be: refused for that.
            for field in ("subject", "preheader"):
                for url in (
                    reverse("campaigns:create"),
                    reverse("campaigns:edit", args=[self.campaign.code]),
                ):
                    with self.subTest(payload=payload[:40], field=field, url=url):
                        response = self.client.post(url, self.data(**{field: payload}))
                        self.assertContains(response, words)
        self.assertEqual(Campaign.objects.values().get(), self.saved)

    def test_a_preheader_with_merge_tags_is_saved(self) -> None:
        url = reverse("campaigns:edit", args=[self.campaign.code])
        response = self.client.post(url, self.data())
        self.assertEqual(response.status_code, 302)
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.preheader, 'Para {{ nombre | default("colega") }}')

    def test_a_test_send_of_a_subject_saved_before_the_rules_shows_the_reason(self) -> None:
        Campaign.objects.filter(pk=self.campaign.pk).update(subject="{{ email*3 }}")
        mailbox = Mailbox()
        with smtp_server(mailbox):
            response = self.client.post(
                reverse("campaigns:test", args=[self.campaign.code]),
                {"addresses": "jefa@example.pe"},
                follow=True,
            )
        self.assertContains(response, 'data-address="jefa@example.pe" data-outcome="failed"')
        self.assertContains(response, "El asunto no se puede enviar: Línea 1: aquí solo")
        self.assertEqual(mailbox.received, [])
