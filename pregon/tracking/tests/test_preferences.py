"""The preference centre, reached from the link a real email carries: topics, name, a pause,
unsubscribing from everything, and nothing for a token we did not sign."""

import datetime
import re
from urllib.parse import urlsplit

import time_machine
from django.test import Client, override_settings

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns import scheduling
from pregon.contacts.models import Contact, MailingList, Status, Subscription, TopicOptOut
from pregon.content.models import BrandKit
from pregon.lib import signing
from pregon.sending.models import Message
from pregon.testing import BaseTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server
from pregon.tracking.models import Event, EventKind

SITE = "https://correo.escuela.example.pe"
HTML = (
    "<html><body><p>Hola {{ nombre }}.</p>"
    '<p><a href="{{ enlace_preferencias }}">Mis preferencias</a> · '
    '<a href="{{ enlace_baja }}">Darme de baja</a></p></body></html>'
)
NOW = datetime.datetime(2026, 12, 5, 15, 0, tzinfo=datetime.UTC)


@override_settings(SITE_URL=SITE)
class PreferencesPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = contacts_on_a_list(2, name="Cursos 2026")
        self.courses.is_topic = True
        self.courses.public_name = "Cursos virtuales"
        self.courses.public_description = "Fechas e inscripciones de los cursos."
        self.courses.save()
        self.news = MailingList.objects.create(
            name="Boletín", is_topic=True, public_name="Boletín <mensual>"
        )
        self.internal = MailingList.objects.create(name="Docentes internos")
        mailbox = Mailbox()
        with smtp_server(mailbox):
            campaign = campaign_to(self.courses)
            campaign.template.set_source(HTML)
            campaign.template.save()
            scheduling.start_due_campaigns()
            send_all()
        self.campaign = campaign
        received = next(m for m in mailbox.received if m.recipient == "persona0000@example.pe")
        html = received.parsed().get_body(("html",)).get_content()
        # The link as the person's mail program shows it: not rewritten for click tracking.
        [link] = re.findall(rf'href="({SITE}/preferencias/[^"]+)"', html)
        self.url = urlsplit(link).path
        self.ana = Contact.objects.get(email="persona0000@example.pe")
        self.message = Message.objects.get(contact=self.ana)
        # Reached from an email: no cookie, no CSRF token, no login.
        self.client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="es")

    def save(self, **data: object) -> object:
        form = {
            "action": "save",
            "topics": [self.courses.pk],
            "first_name": self.ana.first_name,
            "last_name": self.ana.last_name,
            "pause": "keep",
        }
        form.update(data)
        return self.client.post(self.url, form)

    def test_the_page_shows_the_topics_as_the_person_has_them(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "persona0000@example.pe")
        self.assertContains(response, "Cursos virtuales")
        self.assertContains(response, "Fechas e inscripciones de los cursos.")
        self.assertContains(response, "Boletín &lt;mensual&gt;")
        # Staff's own lists and names are not shown.
        self.assertNotContains(response, "Docentes internos")
        self.assertNotContains(response, "Cursos 2026")
        self.assertContains(
            response,
            f'<input class="form-check-input" type="checkbox" name="topics" '
            f'value="{self.courses.pk}" id="topic-{self.courses.pk}" checked '
            f'aria-describedby="topic-{self.courses.pk}-help">',
            html=True,
        )
        self.assertContains(response, f'value="{self.news.pk}" id="topic-{self.news.pk}">')
        self.assertContains(response, 'value="Nombre0000"')

    def test_the_page_speaks_spanish_and_wears_the_brand(self) -> None:
        BrandKit.objects.update_or_create(
            pk=1, defaults={"name": "Escuela Nacional de Control", "primary_color": "#7a1f2b"}
        )
        response = self.client.get(self.url)
        self.assertContains(response, "Sus preferencias de correo")
        self.assertContains(response, "Escuela Nacional de Control")
        self.assertContains(response, "background-color: #7a1f2b")

    @time_machine.travel(NOW, tick=False)
    def test_saving_changes_topics_name_and_pause_and_says_so(self) -> None:
        Subscription.objects.create(contact=self.ana, mailing_list=self.internal)
        response = self.save(
            topics=[self.news.pk],
            first_name=" Ana ",
            last_name="Quispe",
            pause="90",
        )
        self.assertContains(response, "data-saved")
        self.assertContains(response, "Ya no recibirá “Cursos virtuales”.")
        self.assertContains(response, "Recibirá “Boletín &lt;mensual&gt;”.")
        self.ana.refresh_from_db()
        self.assertEqual((self.ana.first_name, self.ana.last_name), ("Ana", "Quispe"))
        self.assertEqual(self.ana.paused_until, NOW + datetime.timedelta(days=90))
        self.assertEqual(
            set(self.ana.lists.values_list("name", flat=True)), {"Boletín", "Docentes internos"}
        )
        opt_out = TopicOptOut.objects.get()
        self.assertEqual(
            (opt_out.mailing_list, opt_out.message_id, opt_out.campaign_id),
            (self.courses, self.message.pk, self.campaign.pk),
        )
        # Still subscribed: leaving a topic is no unsubscription.
        self.assertEqual(self.ana.status, Status.SUBSCRIBED)
        self.assertFalse(Event.objects.filter(kind=EventKind.UNSUBSCRIBED).exists())
        # The page now shows the pause, and offers to end it.
        self.assertContains(response, "Mantener la pausa hasta el")
        response = self.save(topics=[self.news.pk], pause="resume")
        self.assertContains(response, "Volverá a recibir correos.")
        self.ana.refresh_from_db()
        self.assertIsNone(self.ana.paused_until)

    def test_a_name_too_long_is_refused_and_nothing_is_saved(self) -> None:
        response = self.save(topics=[], first_name="A" * 101)
        self.assertNotContains(response, "data-saved")
        self.assertContains(response, 'aria-invalid="true"')
        self.assertTrue(self.ana.lists.filter(pk=self.courses.pk).exists())
        self.assertFalse(TopicOptOut.objects.exists())

    def test_a_pause_not_offered_is_refused(self) -> None:
        response = self.save(pause="3650")
        self.assertNotContains(response, "data-saved")
        self.ana.refresh_from_db()
        self.assertIsNone(self.ana.paused_until)

    def test_a_list_that_is_no_topic_cannot_be_joined_from_the_page(self) -> None:
        response = self.save(topics=[self.courses.pk, self.internal.pk])
        self.assertNotContains(response, "data-saved")
        self.assertFalse(self.ana.lists.filter(pk=self.internal.pk).exists())

    def test_unsubscribing_from_everything_is_the_unsubscribe_link_s(self) -> None:
        response = self.client.post(self.url, {"action": "unsubscribe"})
        self.assertContains(response, "data-unsubscribed")
        self.ana.refresh_from_db()
        self.assertEqual(self.ana.status, Status.UNSUBSCRIBED)
        event = Event.objects.get(kind=EventKind.UNSUBSCRIBED)
        self.assertEqual(event.message, self.message)
        entry = AuditEntry.objects.get(action=AuditAction.UNSUBSCRIBE)
        self.assertEqual(entry.detail["via"], "preferences")
        # Coming back: the page says so and offers the way back, then the choices.
        response = self.client.get(self.url)
        self.assertContains(response, "data-already-unsubscribed")
        self.assertNotContains(response, 'name="topics"')
        response = self.client.post(self.url, {"resubscribe": "1"})
        self.assertContains(response, "data-resubscribed")
        self.assertContains(response, 'name="topics"')
        self.ana.refresh_from_db()
        self.assertEqual(self.ana.status, Status.SUBSCRIBED)

    def test_a_bounced_address_has_nothing_to_choose(self) -> None:
        Contact.objects.filter(pk=self.ana.pk).update(status=Status.BOUNCED)
        response = self.client.get(self.url)
        self.assertContains(response, "data-closed")
        self.assertNotContains(response, 'name="topics"')
        response = self.client.post(self.url, {"resubscribe": "1"})
        self.assertNotContains(response, "data-resubscribed")
        self.ana.refresh_from_db()
        self.assertEqual(self.ana.status, Status.BOUNCED)
        self.save(topics=[])
        self.assertTrue(self.ana.lists.filter(pk=self.courses.pk).exists())

    def test_a_forged_or_foreign_token_is_not_found(self) -> None:
        token = self.url.split("/")[2]
        number, mac = token.split("-")
        forged = [
            f"/preferencias/{signing.sign('unsubscribe', self.message.pk)}/",
            f"/preferencias/{int(number, 36) + 1:x}-{mac}/",
            f"/preferencias/{token[:-2]}aa/",
            "/preferencias/1-abc/",
        ]
        for url in forged:
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)
                response = self.client.post(url, {"action": "unsubscribe"})
                self.assertEqual(response.status_code, 404)
        self.assertEqual(Contact.objects.filter(status=Status.UNSUBSCRIBED).count(), 0)

    def test_a_deleted_contact_s_link_is_not_found(self) -> None:
        self.ana.delete()
        self.assertEqual(self.client.get(self.url).status_code, 404)
