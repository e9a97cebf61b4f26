"""The public version of a campaign: published and withdrawn from the campaign's page, seen
by anyone with the share link, without personal data, tracking or unsubscribe link."""

import re

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from pregon.campaigns import ab, archive, scheduling
from pregon.campaigns.ab_forms import AbTestForm
from pregon.campaigns.models import AbKind, AbMetric, Campaign, Channel
from pregon.content.models import EmailTemplate, Format
from pregon.lib import signing
from pregon.sending import quota
from pregon.testing import BaseTestCase, drafts

SITE = "https://correo.escuela.example.pe"
HTML = (
    "<html><body>"
    '<p><a href="{{ ver_en_navegador }}">Ver este correo en el navegador</a></p>'
    "<p>Hola {{ nombre | default('colega') }} ({{ email }}), te escribe la Escuela.</p>"
    '<p><a href="https://aula.example.gob.pe/curso">Inscríbete</a></p>'
    '<p><a href="{{ enlace_preferencias }}">Mis preferencias</a> · '
    '<a href="{{ enlace_baja }}">Darte de baja</a></p></body></html>'
)


@override_settings(SITE_URL=SITE)
class ArchiveTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        template = EmailTemplate(name="Aviso", format=Format.HTML)
        template.set_source(HTML)
        template.save()
        self.campaign = drafts.draft(
            to=drafts.mailing_list(), template=template, track_clicks=True, track_opens=True
        )
        self.detail = reverse("campaigns:detail", args=[self.campaign.code])
        self.publish = reverse("campaigns:publish", args=[self.campaign.code])
        self.client.force_login(self.bob)

    def share_url(self) -> str:
        page = self.client.get(self.detail).content.decode()
        return re.search(r'value="([^"]+)" id="share-url"', page).group(1)

    def start(self) -> None:
        quota.ensure_plan()
        self.campaign.schedule(self.campaign.created_at)
        scheduling.start_due_campaigns()
        self.campaign.refresh_from_db()

    def test_it_is_off_until_an_editor_publishes_it(self) -> None:
        off = self.client.get(self.detail)
        self.assertContains(off, 'id="share-publish"')
        self.assertNotContains(off, 'id="share-url"')
        hidden = archive.share_url(self.campaign).removeprefix(SITE)
        self.client.logout()
        self.assertEqual(self.client.get(hidden).status_code, 404)

    def test_the_share_link_shows_the_message_to_anyone_without_personal_parts(self) -> None:
        self.start()
        self.client.post(self.publish, {"on": "1"})
        url = self.share_url()
        self.assertTrue(url.startswith(f"{SITE}/campanas/publica/"))
        self.client.logout()
        response = self.client.get(url.removeprefix(SITE))
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        # The merge tags' fallbacks, the link straight to its destination, and nothing of a
        # recipient's: no tracking, no pixel, no unsubscribe, preference or web-version link.
        self.assertIn("Hola colega (), te escribe la Escuela.", page)
        # (With the campaign's UTM parameters, which name no one.)
        self.assertIn('href="https://aula.example.gob.pe/curso?utm_source=pregon&amp;', page)
        for absent in ("/t/c/", "/t/o/", "/t/baja/", "/preferencias/", "/t/ver/", "baja"):
            self.assertNotIn(absent, page)
        self.assertNotIn("Ver este correo", page)
        self.assertIn("sandbox", response["Content-Security-Policy"])

    def test_an_ab_tested_campaign_shows_the_winning_content(self) -> None:
        second = EmailTemplate(name="Aviso B", format=Format.HTML)
        second.set_source(HTML.replace("te escribe la Escuela", "la Escuela te invita"))
        second.save()
        form = AbTestForm(
            self.campaign,
            {
                "kind": AbKind.CONTENT,
                "portion": 50,
                "wait_hours": 1,
                "metric": AbMetric.OPENS,
                "automatic": "",
                "template_1": self.campaign.template_id,
                "template_2": second.pk,
            },
        )
        self.assertTrue(form.is_valid(), form.errors)
        form.save()
        self.start()
        self.client.post(self.publish, {"on": "1"})
        url = self.share_url().removeprefix(SITE)
        self.assertContains(self.client.get(url), "te escribe la Escuela")
        test = ab.test_of(self.campaign)
        test.decide_at = timezone.now()
        test.save(update_fields=["decide_at"])
        ab.send_winner(test, 2, by=None)
        page = self.client.get(url)
        self.assertContains(page, "la Escuela te invita")
        self.assertNotContains(page, "te escribe la Escuela")

    def test_a_draft_shows_its_template_before_it_is_sent(self) -> None:
        self.client.post(self.publish, {"on": "1"})
        response = self.client.get(self.share_url().removeprefix(SITE))
        self.assertContains(response, "Hola colega (), te escribe la Escuela.")

    def test_withdrawn_its_link_is_not_found(self) -> None:
        self.client.post(self.publish, {"on": "1"})
        url = self.share_url().removeprefix(SITE)
        response = self.client.post(self.publish, {"on": "0"}, follow=True)
        self.assertContains(response, "The public version is off")
        self.assertFalse(Campaign.objects.get(pk=self.campaign.pk).public_archive)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_tokens_we_did_not_sign_are_not_found(self) -> None:
        self.client.post(self.publish, {"on": "1"})
        signed = signing.sign("archive", self.campaign.pk)
        altered = signed[:-1] + ("b" if signed.endswith("a") else "a")  # Never the token itself.
        for token in (signing.sign("web", self.campaign.pk), altered, "nada"):
            with self.subTest(token):
                url = reverse("campaigns:public", args=[token])
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_analysts_cannot_publish(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(self.publish, {"on": "1"}).status_code, 403)
        self.assertFalse(Campaign.objects.get(pk=self.campaign.pk).public_archive)

    def test_an_sms_campaign_has_none(self) -> None:
        sms = Campaign.objects.create(name="Aviso SMS", channel=Channel.SMS, sms_text="Hola")
        url = reverse("campaigns:publish", args=[sms.code])
        self.assertEqual(self.client.post(url, {"on": "1"}).status_code, 404)
        Campaign.objects.filter(pk=sms.pk).update(public_archive=True)
        self.assertEqual(
            self.client.get(archive.share_url(sms).removeprefix(SITE)).status_code, 404
        )

    def test_the_form_sets_it_and_who_gets_the_report(self) -> None:
        edit = reverse("campaigns:edit", args=[self.campaign.code])
        form = self.client.get(edit)
        self.assertContains(form, 'name="public_archive"')
        self.assertContains(form, 'name="report_to"')
        data = {
            "name": self.campaign.name,
            "subject": self.campaign.subject,
            "preheader": "",
            "sender": self.campaign.sender_id,
            "template": self.campaign.template_id,
            "include_lists": [self.campaign.include_lists.get().pk],
            "public_archive": "on",
            "report_to": [self.alice.pk, self.charlie.pk],
        }
        response = self.client.post(edit, data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        self.campaign.refresh_from_db()
        self.assertTrue(self.campaign.public_archive)
        self.assertEqual(set(self.campaign.report_to.all()), {self.alice, self.charlie})
        page = self.client.get(self.detail)
        self.assertContains(page, "alice@example.org, charlie@example.org")
