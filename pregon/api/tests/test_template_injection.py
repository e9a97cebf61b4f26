"""Template injection through the API: each payload in each field of a template or a
campaign is a 422 with a Spanish reason, and nothing is saved; the preview of a template
saved before the rules is a 422 that says why, never a 500."""

from pregon.campaigns.models import Campaign
from pregon.content.models import EmailTemplate, Format
from pregon.testing import drafts
from pregon.testing.api import ApiTestCase
from pregon.testing.injection import LONGEST_FIELD, PAYLOADS, html, mjml
from pregon.testing.smtp import Mailbox, smtp_server


class TemplateInjectionTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.cookies["pregon_language"] = "es"
        self.template = EmailTemplate(name="Carta", format=Format.HTML)
        self.template.set_source(html("Hola {{ nombre }}"))
        self.template.save()
        self.visual = EmailTemplate(name="Visual", format=Format.MJML)
        self.visual.set_source(mjml("Hola {{ nombre }}"))
        self.visual.save()
        self.saved = list(EmailTemplate.objects.values())

    def assertRefused(self, method: str, path: str, payload: dict, field: str, words: str):
        response = self.call(method, path, payload)
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn(words, " ".join(response.json()["errors"][field]))

    def test_each_payload_is_refused_in_the_source_of_each_format(self) -> None:
        for payload, words in PAYLOADS:
            for template, source in ((self.template, html(payload)), (self.visual, mjml(payload))):
                with self.subTest(payload=payload[:40], format=template.format):
                    body = {"format": template.format, "source": source}
                    self.assertRefused("POST", "/templates/compile", body, "source", words)
                    created = {**body, "name": "Nueva"}
                    self.assertRefused("POST", "/templates", created, "source", words)
                    path = f"/templates/{template.code}"
                    self.assertRefused("PATCH", path, {"source": source}, "source", words)
        self.assertEqual(list(EmailTemplate.objects.values()), self.saved)

    def test_each_payload_is_refused_in_the_text(self) -> None:
        # Written by hand, the text has no HTML to hide a tag in: the split tag is plain text.
        for payload, words in PAYLOADS[1:]:
            with self.subTest(payload=payload[:40]):
                path = f"/templates/{self.template.code}"
                self.assertRefused("PATCH", path, {"text": payload}, "text", words)
        self.assertEqual(list(EmailTemplate.objects.values()), self.saved)

    def test_the_preview_of_a_template_saved_before_the_rules_is_a_422(self) -> None:
        for payload, words in PAYLOADS[1:]:
            with self.subTest(payload=payload[:40]):
                old = EmailTemplate.objects.create(
                    name="Antigua", format=Format.HTML, source=payload, html=payload, text=payload
                )
                path = f"/templates/{old.code}/preview"
                response = self.call("GET", path)
                self.assertEqual(response.status_code, 422)
                reason = " ".join(response.json()["errors"]["template"])
                self.assertIn("El HTML no se puede enviar", reason)
                self.assertIn(words, reason)


class CampaignInjectionTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.cookies["pregon_language"] = "es"
        self.campaign = drafts.draft(drafts.mailing_list())
        self.saved = Campaign.objects.values().get(pk=self.campaign.pk)

    def test_each_payload_is_refused_in_the_subject_and_the_preheader(self) -> None:
        for payload, words in PAYLOADS[1:]:
            # 3,000 nested ifs are longer than a subject may be: refused for that.
            if len(payload) > LONGEST_FIELD:
                words = "255"
            for field in ("subject", "preheader"):
                with self.subTest(payload=payload[:40], field=field):
                    created = {"name": "Nueva", "subject": "Hola", field: payload}
                    response = self.call("POST", "/campaigns", created)
                    self.assertEqual(response.status_code, 422, response.content)
                    self.assertIn(words, " ".join(response.json()["errors"][field]))
                    path = f"/campaigns/{self.campaign.code}"
                    response = self.call("PATCH", path, {field: payload})
                    self.assertEqual(response.status_code, 422, response.content)
                    self.assertIn(words, " ".join(response.json()["errors"][field]))
        self.assertEqual(Campaign.objects.count(), 1)
        self.assertEqual(Campaign.objects.values().get(), self.saved)

    def test_a_preheader_may_hold_merge_tags(self) -> None:
        preheader = 'Para {{ nombre | default("colega") }}'
        path = f"/campaigns/{self.campaign.code}"
        response = self.call("PATCH", path, {"preheader": preheader})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["preheader"], preheader)

    def test_the_split_tag_is_plain_text_in_a_subject(self) -> None:
        path = f"/campaigns/{self.campaign.code}"
        response = self.call("PATCH", path, {"subject": "{<b></b>{ 7*7 }}"})
        self.assertEqual(response.status_code, 200, response.content)

    def test_a_test_send_of_a_subject_saved_before_the_rules_gives_the_reason(self) -> None:
        Campaign.objects.filter(pk=self.campaign.pk).update(subject="{{ ''.__class__ }}")
        mailbox = Mailbox()
        with smtp_server(mailbox):
            path = f"/campaigns/{self.campaign.code}/send-test"
            response = self.call("POST", path, {"addresses": ["jefa@example.pe"]})
        self.assertEqual(response.status_code, 200, response.content)
        [result] = response.json()
        self.assertEqual(result["outcome"], "failed")
        self.assertIn("no se pueden leer partes de un campo", result["reply"])
        self.assertEqual(mailbox.received, [])
