"""Transactional email (transactional.send): one message through the engine, idempotent on
its key, to pending contacts too, links as written, billed like any email."""

import datetime

from django.conf import settings
from django.test import TestCase
from django.utils import timezone

from pregon.contacts.models import Contact, Status, Suppression
from pregon.content.models import EmailTemplate, Format
from pregon.content.render import InvalidTemplate
from pregon.sending import quota, transactional
from pregon.sending.models import (
    MailingStatus,
    Message,
    MessageStatus,
    QuotaDebit,
    SenderIdentity,
    SendingLimits,
    SkipReason,
)
from pregon.testing.campaigns import send_all
from pregon.testing.smtp import Mailbox, smtp_server

CONFIRM_URL = "https://pregon.example.pe/f/confirmar/abc.def-123?x=1&y=2"
HTML = (
    "<html><body><p>Hola {{ nombre | default('colega') }}:</p>"
    '<p><a href="{{ enlace_confirmar }}">Confirmar mi suscripción</a></p>'
    '<p><a href="https://escuela.example.pe/privacidad">Aviso de privacidad</a></p>'
    "</body></html>"
)


def confirmation_template() -> EmailTemplate:
    template = EmailTemplate(name="Confirmación", format=Format.HTML)
    template.set_source(HTML)
    template.save()
    return template


class TransactionalSendTestCase(TestCase):
    def setUp(self) -> None:
        quota.ensure_plan()
        self.template = confirmation_template()
        self.sender = SenderIdentity.objects.create(
            from_name="Escuela de Capacitación", from_email="capacitacion@escuela.example.pe"
        )
        self.contact = Contact.objects.create(
            email="ana@example.pe", first_name="Ana", status=Status.PENDING
        )

    def send(self, contact: Contact | None = None, key: str = "signup:1:confirm") -> Message:
        return transactional.send(
            contact or self.contact,
            subject="Confirme su suscripción, {{ nombre }}",
            template=self.template,
            sender=self.sender,
            key=key,
            values={"enlace_confirmar": CONFIRM_URL},
        )

    def test_it_reaches_a_pending_contact_with_its_link_as_written(self) -> None:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            message = self.send()
            send_all()
        [received] = mailbox.received
        self.assertEqual(received.recipient, "ana@example.pe")
        parsed = received.parsed()
        self.assertEqual(parsed["Subject"], "Confirme su suscripción, Ana")
        html = parsed.get_body(("html",)).get_content()
        self.assertIn('href="https://pregon.example.pe/f/confirmar/abc.def-123?x=1&amp;y=2"', html)
        self.assertIn('href="https://escuela.example.pe/privacidad"', html)
        # No click redirect and no open pixel.
        self.assertNotIn(settings.SITE_URL + "/t/", html)
        self.assertIn(CONFIRM_URL, parsed.get_body(("plain",)).get_content())
        self.assertIn("DKIM-Signature", parsed)
        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(sum(QuotaDebit.objects.values_list("count", flat=True)), 1)

    def test_the_same_key_sends_once(self) -> None:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            first = self.send()
            again = self.send()
            send_all()
            self.assertEqual(self.send(), first)
            send_all()
        self.assertEqual(again, first)
        self.assertEqual(len(mailbox.received), 1)
        other = self.send(key="signup:1:reminder")
        self.assertNotEqual(other, first)

    def test_it_ignores_pauses_and_the_frequency_cap(self) -> None:
        SendingLimits.objects.create(pk=1, frequency_cap=1)
        self.contact.status = Status.SUBSCRIBED
        self.contact.paused_until = timezone.now() + datetime.timedelta(days=30)
        self.contact.save()
        mailbox = Mailbox()
        with smtp_server(mailbox):
            self.send(key="welcome:1")
            self.send(key="welcome:2")
            send_all()
        self.assertEqual(len(mailbox.received), 2)

    def test_with_the_months_messages_used_up_it_waits_then_goes(self) -> None:
        balance = quota.balance()
        QuotaDebit.objects.create(count=balance)
        mailbox = Mailbox()
        with smtp_server(mailbox):
            message = self.send()
            send_all()
            self.assertEqual(mailbox.received, [])
            message.refresh_from_db()
            self.assertEqual(message.status, MessageStatus.QUEUED)
            # Nobody would resume a paused transactional mailing: it is never paused.
            self.assertEqual(message.mailing.status, MailingStatus.ACTIVE)
            quota.credit(10, "Caída del relé", None)
            send_all()
        self.assertEqual(len(mailbox.received), 1)

    def test_bounced_complained_and_suppressed_addresses_get_nothing(self) -> None:
        bounced = Contact.objects.create(email="rebota@example.pe", status=Status.BOUNCED)
        complained = Contact.objects.create(email="queja@example.pe", status=Status.COMPLAINED)
        Suppression.objects.create(email="ana@example.pe")
        mailbox = Mailbox()
        with smtp_server(mailbox):
            self.send(key="a")
            self.send(bounced, key="b")
            self.send(complained, key="c")
            send_all()
        self.assertEqual(mailbox.received, [])
        reasons = dict(Message.objects.values_list("email", "skip_reason"))
        self.assertEqual(
            reasons,
            {
                "ana@example.pe": SkipReason.SUPPRESSED,
                "rebota@example.pe": SkipReason.LEFT,
                "queja@example.pe": SkipReason.LEFT,
            },
        )
        self.assertFalse(QuotaDebit.objects.exists())

    def test_it_refuses_a_wrong_subject_or_value(self) -> None:
        with self.assertRaises(InvalidTemplate):
            transactional.send(
                self.contact,
                subject="Hola {{ nombre.upper() }}",
                template=self.template,
                sender=self.sender,
                key="x",
            )
        with self.assertRaises(ValueError):
            transactional.send(
                self.contact,
                subject="Hola",
                template=self.template,
                sender=self.sender,
                key="y",
                values={"enlace_secreto": "https://example.pe"},
            )
        self.assertFalse(Message.objects.exists())
