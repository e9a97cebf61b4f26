"""Setting up a draft's A/B test on its screen, and what the campaign's page shows of it."""

from django.test import Client
from django.urls import reverse

from pregon.accounts.models import ApiToken
from pregon.campaigns.models import AbKind, AbTest, CampaignStatus, Channel
from pregon.testing import BaseTestCase, drafts
from pregon.testing.ab import SUBJECTS


class AbSetupTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.campaign = drafts.draft(drafts.mailing_list(count=6), subject=SUBJECTS[0])
        self.url = reverse("campaigns:ab", args=[self.campaign.code])
        self.detail = reverse("campaigns:detail", args=[self.campaign.code])
        self.client.force_login(self.bob)

    def post(self, **changes: object) -> object:
        data = {
            "kind": AbKind.SUBJECT,
            "portion": 20,
            "wait_hours": 4,
            "metric": "opens",
            "automatic": "on",
            "subject_1": SUBJECTS[0],
            "subject_2": SUBJECTS[1],
            **changes,
        }
        return self.client.post(self.url, data)

    def test_analysts_may_not_set_it_up(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.post().status_code, 403)
        self.assertFalse(AbTest.objects.exists())

    def test_the_form_starts_with_the_campaign_as_variant_a(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, f'name="subject_1" value="{SUBJECTS[0]}"')
        self.assertContains(response, 'name="from_name_1" value="Escuela de Capacitación"')
        self.assertContains(response, 'data-tests="send_time"')

    def test_a_valid_test_is_saved_and_shown_on_the_campaign_page(self) -> None:
        before = self.campaign.updated_at
        response = self.post(subject_3="Tu cupo te espera", from_name_2="ignored")
        self.assertRedirects(response, self.detail)
        test = AbTest.objects.get(campaign=self.campaign)
        self.assertEqual(
            [(v.letter, v.subject, v.from_name) for v in test.variants.all()],
            [("A", SUBJECTS[0], ""), ("B", SUBJECTS[1], ""), ("C", "Tu cupo te espera", "")],
        )
        self.assertEqual((test.portion, test.wait_hours, test.automatic), (20, 4, True))
        self.campaign.refresh_from_db()
        self.assertGreater(self.campaign.updated_at, before)  # A shown confirmation expires.
        page = self.client.get(self.detail)
        self.assertContains(page, 'id="campaign-ab" data-kind="subject"')
        self.assertContains(page, "Tu cupo te espera")
        self.assertContains(page, "Tests the subject on 20 % of the audience")

    def test_the_card_offers_a_test_on_a_draft_only(self) -> None:
        self.assertContains(self.client.get(self.detail), 'id="ab-set-up"')
        self.campaign.move(CampaignStatus.SCHEDULED)
        self.assertNotContains(self.client.get(self.detail), 'id="campaign-ab"')

    def test_mistakes_are_explained_in_spanish(self) -> None:
        self.use_spanish()
        response = self.post(subject_2="", subject_3=SUBJECTS[0], portion=80)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Escriba el asunto de la variante B.")
        self.assertContains(
            response, "La variante C es igual a otra: cada variante debe ser distinta."
        )
        self.assertContains(response, "Asegúrese de que este valor es menor o igual a 50.")
        self.assertFalse(AbTest.objects.exists())

    def test_the_metric_must_be_one_the_campaign_counts(self) -> None:
        self.campaign.attribute_conversions = False
        self.campaign.save()
        response = self.post(metric="conversions")
        self.assertContains(response, "This campaign does not attribute conversions")
        self.assertFalse(AbTest.objects.exists())

    def test_an_unready_template_or_a_past_time_is_refused(self) -> None:
        broken = drafts.template("Rota", "<html><body><p>Sin enlace de baja</p></body></html>")
        response = self.post(
            kind=AbKind.CONTENT, template_1=self.campaign.template_id, template_2=broken.pk
        )
        self.assertContains(response, "The template “Rota” has errors to fix")
        response = self.post(
            kind=AbKind.SEND_TIME, send_at_1="2020-01-01T09:00", send_at_2="2030-01-01T09:00"
        )
        self.assertContains(response, "That time has already passed; choose a later one.")
        response = self.post(
            kind=AbKind.SEND_TIME, send_at_1="2030-01-01T09:00", send_at_2="9999-12-31T23:59"
        )
        self.assertContains(response, "That date is too far ahead; choose an earlier one.")
        self.assertFalse(AbTest.objects.exists())

    def test_only_an_email_draft_has_one(self) -> None:
        self.campaign.schedule(self.campaign.created_at)
        response = self.post()
        self.assertRedirects(response, self.detail)
        self.assertFalse(AbTest.objects.exists())
        sms = drafts.draft(channel=Channel.SMS, sms_text="Hola")
        response = self.client.get(reverse("campaigns:ab", args=[sms.code]))
        self.assertRedirects(
            response, reverse("campaigns:detail", args=[sms.code]), fetch_redirect_response=False
        )

    def test_it_can_be_changed_and_removed(self) -> None:
        self.post()
        self.post(kind=AbKind.SENDER_NAME, from_name_1="Escuela", from_name_2="Ana, de la Escuela")
        test = AbTest.objects.get()
        self.assertEqual(test.kind, AbKind.SENDER_NAME)
        self.assertEqual(
            [v.from_name for v in test.variants.all()], ["Escuela", "Ana, de la Escuela"]
        )
        response = self.client.post(reverse("campaigns:ab_remove", args=[self.campaign.code]))
        self.assertRedirects(response, self.detail)
        self.assertFalse(AbTest.objects.exists())
        self.assertContains(self.client.get(self.detail), 'id="ab-set-up"')
        self.assertEqual(self.campaign.status, CampaignStatus.DRAFT)

    def test_the_card_warns_of_what_changed_since(self) -> None:
        other = drafts.template("Otra")
        self.post(kind=AbKind.CONTENT, template_1=self.campaign.template_id, template_2=other.pk)
        other.delete()
        self.campaign.track_opens = False
        self.campaign.save()
        self.use_spanish()
        page = self.client.get(self.detail)
        self.assertContains(page, 'id="ab-problems"')
        self.assertContains(page, "Variante B: Elija una plantilla.")
        self.assertContains(page, "Esta campaña no cuenta aperturas")

    def test_a_test_that_cannot_start_stops_send_now_on_the_screen_and_in_the_api(self) -> None:
        other = drafts.template("Otra")
        self.post(kind=AbKind.CONTENT, template_1=self.campaign.template_id, template_2=other.pk)
        other.delete()
        self.use_spanish()
        response = self.client.post(
            reverse("campaigns:send_now", args=[self.campaign.code]), follow=True
        )
        self.assertContains(response, "Variante B: Elija una plantilla.")
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, CampaignStatus.DRAFT)
        token = ApiToken.issue(self.bob, "test")[1]
        answer = Client().post(
            f"/api/v1/campaigns/{self.campaign.code}/schedule",
            "{}",
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        self.assertEqual(answer.status_code, 422)
        self.assertIn("Variante B: Elija una plantilla.", answer.json()["errors"]["ab_test"][0])
