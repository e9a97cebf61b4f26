"""Replies by email to support requests: the emails of a ticket carry a signed token in
their Message-ID and Reply-To; a reply read from the bounce mailbox (incoming.handle, and
a real Postfix and Dovecot read over IMAP) lands in its ticket without the quoted part,
once, only from someone who may answer, and reopens a resolved request."""

import smtplib
import unittest
from email.message import EmailMessage
from email.utils import make_msgid

from django.core import mail
from django.test import TestCase, override_settings

from pregon.accounts.models import Role, User
from pregon.help.models import EntryVia, Ticket, TicketStatus
from pregon.help.support import tickets
from pregon.lib import vault
from pregon.sending.models import Security
from pregon.testing import mailservers
from pregon.tracking import incoming, mailbox
from pregon.tracking.models import BounceMailbox, Protocol

MISSING = mailservers.missing()
DOMAIN = "escuela.example.pe"


def reply_to(sent: mail.EmailMessage, sender: str, text: str, quoted: str = "") -> bytes:
    """What a mail program sends when ``sender`` answers ``sent``: the reply address, the
    threading headers, and the original quoted below an attribution line."""
    reply = EmailMessage()
    reply["From"] = f"Alguien <{sender}>"
    reply["To"] = sent.reply_to[0]
    reply["Subject"] = "Re: " + sent.subject
    reply["Message-ID"] = make_msgid(domain="correo.example.pe")
    reply["In-Reply-To"] = sent.extra_headers["Message-ID"]
    reply["References"] = sent.extra_headers["Message-ID"]
    original = "\n".join("> " + line for line in (quoted or sent.body).splitlines())
    reply.set_content(
        f"{text}\n\nEl dom, 6 dic 2026 a las 10:00, Pregón\n<{DOMAIN}> escribió:\n{original}\n"
    )
    return reply.as_bytes()


@override_settings(SUPPORT_EMAIL="mesa@ayuda.gob.pe", RETURN_PATH_DOMAIN=DOMAIN)
class SupportRepliesTestCase(TestCase):
    def setUp(self) -> None:
        self.admin = User.objects.create_user("admin@escuela.example.pe", role=Role.ADMIN)
        self.user = User.objects.create_user("lucia@escuela.example.pe", role=Role.EDITOR)
        BounceMailbox.objects.create(host="127.0.0.1", username="rebotes")
        with self.captureOnCommitCallbacks(execute=True):
            self.ticket = tickets.open_ticket(self.user, "No veo el informe", "Sale en blanco.")

    def handle(self, data: bytes) -> incoming.Outcome:
        with self.captureOnCommitCallbacks(execute=True):
            return incoming.handle(data)

    def sent_to(self, address: str) -> mail.EmailMessage:
        return [message for message in mail.outbox if address in message.to][-1]

    def test_the_emails_name_the_ticket_in_their_reply_address_and_thread(self) -> None:
        sent = self.sent_to(self.admin.email)
        self.assertRegex(sent.reply_to[0], rf"^soporte\+[0-9a-z]+-[a-z2-7]+@{DOMAIN}$")
        self.assertRegex(sent.extra_headers["Message-ID"], rf"^<ticket\.[0-9a-z-]+@{DOMAIN}>$")
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            tickets.reply(self.ticket, "¿Qué campaña?", author=self.admin)
        answer = self.sent_to(self.user.email)
        self.assertEqual(answer.extra_headers["In-Reply-To"], sent.extra_headers["Message-ID"])
        self.assertIn("Escriba su respuesta encima de esta línea", answer.body)

    def test_an_admin_answers_by_email_and_the_requester_gets_it(self) -> None:
        sent = self.sent_to(self.admin.email)
        mail.outbox.clear()
        outcome = self.handle(reply_to(sent, self.admin.email, "Revise el filtro de fechas."))
        self.assertTrue(outcome.is_done)
        entry = self.ticket.entries.filter(kind="message").last()
        self.assertEqual(
            (entry.author, entry.via, entry.body),
            (self.admin, EntryVia.EMAIL, "Revise el filtro de fechas."),
        )
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.status, TicketStatus.IN_PROGRESS)
        self.assertEqual([message.to for message in mail.outbox], [[self.user.email]])
        self.assertIn("Revise el filtro de fechas.", mail.outbox[0].body)

    def test_the_requester_answers_a_resolved_request_and_reopens_it(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            tickets.reply(self.ticket, "Pruebe ahora.", author=self.admin)
            tickets.change_status(self.ticket, TicketStatus.RESOLVED, by=self.admin)
        sent = self.sent_to(self.user.email)
        mail.outbox.clear()
        self.handle(reply_to(sent, "LUCIA@escuela.example.pe", "Sigue en blanco.\n\n-- \nLucía"))
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.status, TicketStatus.IN_PROGRESS)
        self.assertEqual(
            self.ticket.entries.filter(via=EntryVia.EMAIL, kind="message").get().body,
            "Sigue en blanco.",
        )
        self.assertEqual(
            sorted(message.to[0] for message in mail.outbox),
            [self.admin.email, "mesa@ayuda.gob.pe"],
        )

    def test_two_admins_answering_a_new_request_at_once_both_keep_their_reply(self) -> None:
        other = User.objects.create_user("jefa@escuela.example.pe", role=Role.ADMIN)
        # The second admin's page was read while the request was still new.
        as_other_saw_it = Ticket.objects.get(pk=self.ticket.pk)
        tickets.reply(self.ticket, "Lo veo yo.", author=self.admin)
        tickets.reply(as_other_saw_it, "Yo también.", author=other)
        self.assertEqual(
            list(self.ticket.entries.filter(kind="message").values_list("body", flat=True)),
            ["Sale en blanco.", "Lo veo yo.", "Yo también."],
        )
        self.assertEqual(self.ticket.entries.filter(kind="status").count(), 1)

    def test_an_out_of_office_answer_neither_lands_nor_reopens(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            tickets.change_status(self.ticket, TicketStatus.RESOLVED, by=self.admin)
        sent = self.sent_to(self.user.email)
        mail.outbox.clear()
        automatic = reply_to(sent, self.user.email, "Estoy de vacaciones hasta el lunes.")
        automatic = b"Auto-Submitted: auto-replied\r\n" + automatic
        outcome = self.handle(automatic)
        self.assertFalse(outcome.is_done)
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.status, TicketStatus.RESOLVED)
        self.assertFalse(self.ticket.entries.filter(via=EntryVia.EMAIL).exists())
        self.assertEqual(mail.outbox, [])

    def test_the_help_desk_address_may_answer(self) -> None:
        sent = self.sent_to("mesa@ayuda.gob.pe")
        self.handle(reply_to(sent, "mesa@ayuda.gob.pe", "Lo vemos hoy."))
        entry = self.ticket.entries.filter(kind="message").last()
        self.assertEqual((entry.author, entry.from_email), (None, "mesa@ayuda.gob.pe"))

    def test_the_same_reply_read_twice_is_added_once(self) -> None:
        data = reply_to(self.sent_to(self.admin.email), self.admin.email, "Una vez.")
        self.handle(data)
        self.assertTrue(self.handle(data).is_done)
        self.assertEqual(self.ticket.entries.filter(body="Una vez.").count(), 1)

    def test_a_stranger_cannot_write_into_a_ticket(self) -> None:
        data = reply_to(self.sent_to(self.admin.email), "otro@example.org", "Hola.")
        outcome = self.handle(data)
        self.assertFalse(outcome.is_done)
        self.assertEqual(self.ticket.entries.count(), 1)

    def test_a_forged_token_is_no_ticket_of_ours(self) -> None:
        sent = self.sent_to(self.admin.email)
        sent.reply_to = [f"soporte+{self.ticket.pk:x}-aaaaaaaaaaaaaaaa@{DOMAIN}"]
        sent.extra_headers["Message-ID"] = f"<ticket.1-aaaaaaaaaaaaaaaa@{DOMAIN}>"
        outcome = self.handle(reply_to(sent, self.admin.email, "Hola."))
        self.assertFalse(outcome.is_done)
        self.assertEqual(self.ticket.entries.count(), 1)

    def test_an_html_only_reply_loses_its_blockquote(self) -> None:
        sent = self.sent_to(self.admin.email)
        reply = EmailMessage()
        reply["From"] = self.admin.email
        reply["To"] = sent.reply_to[0]
        reply["Subject"] = "Re: " + sent.subject
        reply.set_content(
            "<div>Ya lo revis&eacute; &amp; funciona.</div><div>El dom escribió:</div>"
            "<blockquote><p>Sale en blanco.</p></blockquote>",
            subtype="html",
        )
        self.handle(reply.as_bytes())
        self.assertEqual(
            self.ticket.entries.filter(kind="message").last().body, "Ya lo revisé & funciona."
        )

    def test_a_last_line_that_starts_like_an_attribution_is_kept(self) -> None:
        sent = self.sent_to(self.admin.email)
        reply = EmailMessage()
        reply["From"] = self.admin.email
        reply["To"] = sent.reply_to[0]
        reply["Subject"] = "Re: " + sent.subject
        reply.set_content(
            "<div>Gracias.</div><div>El informe ya sale bien.</div>"
            "<div>El dom, 6 dic 2026, Pregón escribió:</div>"
            "<blockquote><p>Sale en blanco.</p></blockquote>",
            subtype="html",
        )
        self.handle(reply.as_bytes())
        self.assertEqual(
            self.ticket.entries.filter(kind="message").last().body,
            "Gracias.\nEl informe ya sale bien.",
        )

    def test_outlook_style_replies_lose_the_original(self) -> None:
        sent = self.sent_to(self.admin.email)
        reply = EmailMessage()
        reply["From"] = self.admin.email
        reply["To"] = sent.reply_to[0]
        reply["Subject"] = "RE: " + sent.subject
        reply["Message-ID"] = make_msgid()
        reply.set_content(
            "Listo, ya está.\n\n________________________________\n"
            f"De: Pregón <pregon@{DOMAIN}>\nEnviado: domingo\n\n{sent.body}"
        )
        reply.add_alternative("<p>Listo, <b>ya</b> está.</p>", subtype="html")
        self.handle(reply.as_bytes())
        self.assertEqual(self.ticket.entries.filter(kind="message").last().body, "Listo, ya está.")


@unittest.skipIf(MISSING, MISSING)
@override_settings(SUPPORT_EMAIL="", RETURN_PATH_DOMAIN=DOMAIN)
class SupportReplyThroughTheMailboxTestCase(TestCase):
    """The reply travels: sent by SMTP to a real Postfix, which delivers the support address
    into the bounce mailbox (as the manual tells the IT office to set it up), and the
    poller reads it from a real Dovecot over IMAP."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.servers = cls.enterClassContext(mailservers.running())

    def test_a_reply_by_email_lands_in_its_ticket_and_leaves_the_mailbox(self) -> None:
        for path in self.servers.maildir_messages():
            path.unlink()
        admin = User.objects.create_user("admin@escuela.example.pe", role=Role.ADMIN)
        requester = User.objects.create_user("lucia@escuela.example.pe", role=Role.EDITOR)
        box = BounceMailbox.objects.create(
            protocol=Protocol.IMAP,
            host="127.0.0.1",
            port=self.servers.imap_port,
            security=Security.NONE,
            username=mailservers.USER,
            password=vault.encrypt(mailservers.PASSWORD),
        )
        with self.captureOnCommitCallbacks(execute=True):
            ticket = tickets.open_ticket(requester, "Clave", "No puedo entrar.")
        sent = mail.outbox[0]
        data = reply_to(sent, admin.email, "Le envié un enlace nuevo.")
        with smtplib.SMTP("127.0.0.1", self.servers.smtp_port, timeout=10) as smtp:
            # The alias soporte@ -> the bounce mailbox, as rebote@ and baja@ are.
            smtp.sendmail(admin.email, [f"rebote@{DOMAIN}"], data)
        self.servers.wait_for_mail(1)
        with self.captureOnCommitCallbacks(execute=True):
            check = mailbox.poll(box)
        self.assertEqual(check.error, "")
        self.assertEqual([outcome.is_done for outcome in check.outcomes], [True])
        self.assertEqual(
            ticket.entries.filter(kind="message").last().body, "Le envié un enlace nuevo."
        )
        self.assertEqual(self.servers.maildir_messages(), [])
        self.assertEqual(mail.outbox[-1].to, [requester.email])
