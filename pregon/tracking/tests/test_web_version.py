"""The "view in browser" link: a campaign goes out through a real SMTP server, and the link
in each received message opens that person's copy, with their data and working tracked
links; a token we did not sign, or signed for something else, is not found."""

import re

from django.test import TestCase, override_settings
from django.urls import reverse

from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact
from pregon.content.models import EmailTemplate, Format
from pregon.lib import signing
from pregon.sending import engine, quota
from pregon.sending.models import Mailing, MailingVariant, Message, Purpose
from pregon.testing import drafts
from pregon.testing.campaigns import contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, Received, smtp_server
from pregon.tracking import spool
from pregon.tracking.models import Event, EventKind

SITE = "https://correo.escuela.example.pe"
HTML = (
    "<html><body>"
    '<p><a href="{{ ver_en_navegador }}">Ver este correo en el navegador</a></p>'
    "<p>Hola {{ nombre | default('colega') }}, te escribe la Escuela.</p>"
    '<p><a href="https://aula.example.gob.pe/curso">Inscríbete</a></p>'
    '<p><a href="{{ enlace_baja }}">Darte de baja</a></p></body></html>'
)
WEB_VERSION = re.compile(re.escape(SITE) + r'(/t/ver/[^"]+)')


def web_version_path(received: Received) -> str:
    html = received.parsed().get_body(("html",)).get_content()
    return WEB_VERSION.search(html).group(1)


@override_settings(SITE_URL=SITE)
class WebVersionTestCase(TestCase):
    def send(self, html: str = HTML) -> Mailbox:
        quota.ensure_plan()
        template = EmailTemplate(name="Aviso", format=Format.HTML)
        template.set_source(html)
        template.save()
        campaign = drafts.draft(to=contacts_on_a_list(3), template=template)
        campaign.track_clicks = True
        campaign.save()
        mailbox = Mailbox()
        with smtp_server(mailbox):
            campaign.schedule(campaign.created_at)
            scheduling.start_due_campaigns()
            send_all()
        self.campaign = Campaign.objects.get(pk=campaign.pk)
        return mailbox

    def test_the_link_opens_the_message_as_that_person_got_it(self) -> None:
        mailbox = self.send()
        self.assertEqual(len(mailbox.received), 3)
        for received in mailbox.received:
            number = received.recipient[7:11]
            response = self.client.get(web_version_path(received))
            self.assertEqual(response.status_code, 200)
            page = response.content.decode()
            self.assertIn(f"Hola Nombre{number}, te escribe la Escuela.", page)
            # The page may show images from anywhere, but run nothing of the message.
            self.assertIn("sandbox", response["Content-Security-Policy"])
            self.assertEqual(response["Cache-Control"], "private, no-store")
            # Their own unsubscribe link, and the same tracked links as the email.
            message = Message.objects.get(email=received.recipient)
            unsubscribe = reverse(
                "tracking:unsubscribe", args=[signing.sign("unsubscribe", message.pk)]
            )
            self.assertIn(SITE + unsubscribe, page)
            received_html = received.parsed().get_body(("html",)).get_content()
            click = re.search(re.escape(SITE) + r'(/t/c/[^"]+)', received_html).group(1)
            self.assertIn(SITE + click, page)

    def test_its_tracked_links_record_the_persons_click(self) -> None:
        mailbox = self.send()
        received = mailbox.received[0]
        page = self.client.get(web_version_path(received)).content.decode()
        click = re.search(re.escape(SITE) + r'(/t/c/[^"]+)', page).group(1)
        response = self.client.get(click)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("https://aula.example.gob.pe/curso"))
        spool.flush()
        clicks = Event.objects.filter(kind=EventKind.CLICKED)
        self.assertEqual([event.message.email for event in clicks], [received.recipient])

    def test_a_token_we_did_not_sign_is_not_found(self) -> None:
        mailbox = self.send()
        message = Message.objects.get(email=mailbox.received[0].recipient)
        signed = signing.sign("web", message.pk)
        forged = signed[:-1] + ("b" if signed.endswith("a") else "a")  # Never the token itself.
        for token in (forged, signing.sign("unsubscribe", message.pk), "nada", "zz-zz"):
            with self.subTest(token):
                url = reverse("tracking:web_version", args=[token])
                self.assertEqual(self.client.get(url).status_code, 404)
        gone = reverse("tracking:web_version", args=[engine.web_version_token(999999)])
        self.assertEqual(self.client.get(gone).status_code, 404)

    def test_content_without_the_tag_signs_no_web_version(self) -> None:
        link = '<p><a href="{{ ver_en_navegador }}">Ver este correo en el navegador</a></p>'
        mailbox = self.send(HTML.replace(link, ""))
        html = mailbox.received[0].parsed().get_body(("html",)).get_content()
        self.assertNotIn("/t/ver/", html)

    def test_a_test_send_has_no_page_to_show(self) -> None:
        campaign = drafts.draft(template=drafts.template(html=HTML))
        (sent,) = engine.send_test_messages(campaign, ["prueba@escuela.example.pe"])
        self.assertIn(b"Ver este correo en el navegador ()", sent.data)  # The text version.
        self.assertNotIn(b"/t/ver/", sent.data)


@override_settings(SITE_URL=SITE)
class WorkflowWebVersionTestCase(TestCase):
    """A workflow's message (a mailing of no campaign) and an A/B variant's show the same."""

    def setUp(self) -> None:
        self.contact = Contact.objects.create(email="ana@example.pe", first_name="Ana")
        self.mailing = Mailing.objects.create(
            subject="Bienvenida, {{ nombre }}",
            html="<p>Hola {{ nombre }}: <a href='{{ enlace_preferencias }}'>preferencias</a></p>",
            text="Hola {{ nombre }}",
            sender=drafts.sender(),
            purpose=Purpose.MARKETING,
        )

    def page(self, message: Message) -> str:
        url = reverse("tracking:web_version", args=[engine.web_version_token(message.pk)])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_a_message_of_no_campaign(self) -> None:
        message = Message.objects.create(
            mailing=self.mailing, contact=self.contact, email=self.contact.email, status="sent"
        )
        page = self.page(message)
        self.assertIn("Hola Ana:", page)
        self.assertIn(SITE + "/preferencias/", page)

    def test_a_variant_shows_the_variants_content(self) -> None:
        MailingVariant.objects.create(
            mailing=self.mailing,
            number=2,
            subject="Otra",
            from_name="Escuela",
            html="<p>Variante B para {{ nombre }}</p>",
            text="",
        )
        message = Message.objects.create(
            mailing=self.mailing,
            contact=self.contact,
            email=self.contact.email,
            status="sent",
            variant=2,
        )
        self.assertIn("Variante B para Ana", self.page(message))

    def test_a_variant_that_is_gone_is_not_found(self) -> None:
        message = Message.objects.create(
            mailing=self.mailing,
            contact=self.contact,
            email=self.contact.email,
            status="sent",
            variant=3,
        )
        url = reverse("tracking:web_version", args=[engine.web_version_token(message.pk)])
        self.assertEqual(self.client.get(url).status_code, 404)
