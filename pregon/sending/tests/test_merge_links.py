"""The links the engine fills in per message: enlace_preferencias (every email: the signed
address of the preference centre, for this message) and enlace_confirmar (a transactional
email's own value; empty in a campaign). Through a campaign sent to a real SMTP server."""

import re

from django.conf import settings
from django.test import Client

from pregon.campaigns import scheduling
from pregon.content.models import EmailTemplate, Format
from pregon.lib import signing
from pregon.sending.models import Message
from pregon.testing import BaseTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server

HTML = (
    "<html><body><p>Hola {{ nombre }}</p>"
    '<p><a href="{{ enlace_preferencias }}">Mis preferencias</a> · '
    '<a href="{{ preferences_url }}">Preferences</a></p>'
    "<p>[{{ enlace_confirmar }}]</p>"
    '<p><a href="{{ enlace_baja }}">Darme de baja</a></p></body></html>'
)


class MergeLinksTestCase(BaseTestCase):
    def test_a_campaign_links_each_persons_preference_centre(self) -> None:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            campaign = campaign_to(contacts_on_a_list(2))
            template = EmailTemplate(name="Con preferencias", format=Format.HTML)
            template.set_source(HTML)
            template.save()
            campaign.template = template
            campaign.save()
            scheduling.start_due_campaigns()
            send_all()
        self.assertEqual(len(mailbox.received), 2)
        for received in mailbox.received:
            html = received.parsed().get_body(("html",)).get_content()
            prefix = re.escape(settings.SITE_URL + "/preferencias/")
            links = re.findall(f'href="{prefix}([^"/]+)/"', html)
            # Both names give the same address, which names this very message.
            self.assertEqual(len(links), 2)
            self.assertEqual(links[0], links[1])
            message = Message.objects.get(email=received.recipient)
            self.assertEqual(signing.unsign("preferences", links[0]), message.pk)
            self.assertIn("<p>[]</p>", html)
            page = Client().get(f"/preferencias/{links[0]}/")
            self.assertContains(page, received.recipient)
