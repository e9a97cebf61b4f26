"""The preheader of what is sent: a campaign's replaces the template's hidden one, the
template's is kept when the campaign has none, and either is hidden without white text."""

import re

from django.test import TestCase, override_settings

from pregon.campaigns import scheduling
from pregon.content import gallery
from pregon.content.models import EmailTemplate, Format
from pregon.content.preheader import STYLE
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.drafts import gallery_template
from pregon.testing.smtp import Mailbox, smtp_server

HIDDEN_DIV = re.compile(r'<div style="[^"]*display:\s*none[^"]*">(.*?)</div>', re.DOTALL)


@override_settings(SITE_URL="https://correo.escuela.example.pe")
class PreheaderTestCase(TestCase):
    def setUp(self) -> None:
        self.mailing_list = contacts_on_a_list(2)

    def sent_html(self, campaign_preheader: str, key: str = "recordatorio") -> list[str]:
        campaign = campaign_to(self.mailing_list)
        campaign.template = gallery_template(key)
        campaign.preheader = campaign_preheader
        campaign.save()
        mailbox = Mailbox()
        with smtp_server(mailbox):
            scheduling.start_due_campaigns()
            send_all()
        self.assertEqual(len(mailbox.received), 2)
        return [
            received.parsed().get_body(("html",)).get_content() for received in mailbox.received
        ]

    def test_the_campaigns_preheader_replaces_the_templates_personalised(self) -> None:
        for html in self.sent_html('Tu curso empieza pronto, {{ nombre | default("colega") }}'):
            hidden = HIDDEN_DIV.findall(html)
            self.assertEqual(len(hidden), 1, hidden)
            self.assertRegex(hidden[0], r"^Tu curso empieza pronto, Nombre000[01]$")
            self.assertNotIn("El lunes 7 de diciembre empieza", html)
            self.assertIn(f'<div style="{STYLE}">', html)

    def test_without_a_campaign_preheader_the_templates_is_sent_hidden(self) -> None:
        for html in self.sent_html(""):
            hidden = HIDDEN_DIV.findall(html)
            self.assertEqual(len(hidden), 1, hidden)
            self.assertTrue(hidden[0].startswith("El lunes 7 de diciembre empieza"), hidden)
            self.assertIn(f'<div style="{STYLE}">', html)

    def test_every_gallery_design_gets_the_campaign_preheader_once_fully_hidden(self) -> None:
        for key in [entry.key for entry in gallery.GALLERY] + ["blank"]:
            with self.subTest(key=key):
                campaign = campaign_to(self.mailing_list)
                campaign.template = gallery_template(key)
                campaign.preheader = "Inscripciones abiertas & gratuitas"
                campaign.save()
                scheduling.start(campaign)
                html = campaign.mailing.html
                hidden = HIDDEN_DIV.findall(html)
                self.assertEqual(hidden, ["Inscripciones abiertas &amp; gratuitas"])
                style = re.search(r'<div style="([^"]*display:\s*none[^"]*)">', html)[1]
                self.assertIn("mso-hide:all", style)
                self.assertNotIn("color", style)

    def test_a_template_saved_with_a_white_preheader_is_sent_without_it(self) -> None:
        """Templates compiled before this fix hold mjml-python's white text."""
        campaign = campaign_to(self.mailing_list)
        template = campaign.template
        white = (
            '<div style="display:none;font-size:1px;color:#ffffff;line-height:1px;'
            'max-height:0px;max-width:0px;opacity:0;overflow:hidden;">Vacantes limitadas</div>'
        )
        EmailTemplate.objects.filter(pk=template.pk).update(
            html=template.html.replace("<body>", "<body>" + white, 1)
        )
        scheduling.start_due_campaigns()
        campaign.refresh_from_db()
        self.assertNotIn("#ffffff", campaign.mailing.html)
        self.assertIn(f'<div style="{STYLE}">Vacantes limitadas</div>', campaign.mailing.html)

    def test_an_html_template_without_a_preheader_gets_the_campaigns(self) -> None:
        campaign = campaign_to(self.mailing_list)
        self.assertEqual(campaign.template.format, Format.HTML)
        campaign.preheader = "Vacantes limitadas"
        campaign.save()
        scheduling.start_due_campaigns()
        campaign.refresh_from_db()
        self.assertIn(f'<body><div style="{STYLE}">Vacantes limitadas</div>', campaign.mailing.html)
