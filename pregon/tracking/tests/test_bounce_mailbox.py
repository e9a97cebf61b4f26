"""A campaign sent through a real Postfix, which bounces it for unknown users, a full mailbox
and an unreachable server with DSNs of its own to the VERP return path; a real Dovecot
serves them, and the poller reads them over IMAP and over POP3."""

import smtplib
import unittest

from django.test import TestCase

from pregon.campaigns import scheduling
from pregon.contacts.models import Contact, Status, Subscription, Suppression
from pregon.lib import signing, vault
from pregon.sending.models import Backend, BackendKind, Bounce, Message, Security
from pregon.testing import mailservers
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.tracking import mailbox
from pregon.tracking.models import BounceMailbox, Event, EventKind, Protocol

MISSING = mailservers.missing()


@unittest.skipIf(MISSING, MISSING)
class BounceMailboxTestCase(TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.servers = cls.enterClassContext(mailservers.running())

    def setUp(self) -> None:
        for path in self.servers.maildir_messages():
            path.unlink()
        # Two unknown users at example.pe, a full mailbox there and a server that is down.
        self.mailing_list = contacts_on_a_list(2)
        for address in ("lleno@example.pe", "alguien@lento.example.pe"):
            contact = Contact.objects.create(email=address)
            Subscription.objects.create(contact=contact, mailing_list=self.mailing_list)
        Backend.objects.create(
            name="Postfix",
            kind=BackendKind.SMTP,
            host="127.0.0.1",
            port=self.servers.smtp_port,
            security=Security.NONE,
            username="",
        )

    def mailbox(self, protocol: str) -> BounceMailbox:
        port = self.servers.imap_port if protocol == Protocol.IMAP else self.servers.pop3_port
        return BounceMailbox.objects.create(
            protocol=protocol,
            host="127.0.0.1",
            port=port,
            security=Security.NONE,
            username=mailservers.USER,
            password=vault.encrypt(mailservers.PASSWORD),
        )

    def send_campaign(self) -> None:
        campaign_to(self.mailing_list)
        scheduling.start_due_campaigns()
        send_all()
        self.servers.wait_for_mail(4)

    def unsubscribe_by_mail(self, address: str) -> None:
        """What a mail program's "unsubscribe" button sends to the List-Unsubscribe mailto."""
        message = Message.objects.get(email=address)
        token = signing.sign("unsubscribe", message.pk)
        with smtplib.SMTP("127.0.0.1", self.servers.smtp_port, timeout=10) as smtp:
            smtp.sendmail(
                address,
                [f"baja+{token}@escuela.example.pe"],
                f"From: {address}\r\nTo: baja+{token}@escuela.example.pe\r\nSubject: baja\r\n"
                "\r\nbaja\r\n",
            )

    def assert_bounces_recorded(self) -> None:
        bounces = {bounce.email: bounce for bounce in Bounce.objects.all()}
        self.assertEqual(
            {email: bounce.kind for email, bounce in bounces.items()},
            {
                "persona0000@example.pe": "hard",
                "persona0001@example.pe": "hard",
                "lleno@example.pe": "soft",
                "alguien@lento.example.pe": "soft",
            },
        )
        for email, bounce in bounces.items():
            self.assertEqual(bounce.source, "mailbox")
            self.assertEqual(bounce.message, Message.objects.get(email=email))
        self.assertIn("5.1.1", bounces["persona0000@example.pe"].reason)
        self.assertIn("unknown user", bounces["persona0000@example.pe"].reason)
        self.assertIn("5.2.2", bounces["lleno@example.pe"].reason)
        self.assertIn("Quota exceeded", bounces["lleno@example.pe"].reason)
        self.assertIn("4.4.1", bounces["alguien@lento.example.pe"].reason)
        # Hard bounces suppress at once; one soft bounce does not.
        self.assertEqual(
            set(Suppression.objects.values_list("email", flat=True)),
            {"persona0000@example.pe", "persona0001@example.pe"},
        )
        statuses = dict(Contact.objects.values_list("email", "status"))
        self.assertEqual(statuses["persona0000@example.pe"], Status.BOUNCED)
        self.assertEqual(statuses["lleno@example.pe"], Status.SUBSCRIBED)

    def check(self, protocol: str) -> None:
        self.send_campaign()
        self.unsubscribe_by_mail("alguien@lento.example.pe")
        self.servers.wait_for_mail(5)
        bounce_mailbox = self.mailbox(protocol)

        check = mailbox.poll(bounce_mailbox)

        self.assertEqual(check.error, "")
        self.assertEqual(len(check.outcomes), 5)
        self.assertTrue(all(outcome.is_done for outcome in check.outcomes))
        self.assert_bounces_recorded()
        lento = Contact.objects.get(email="alguien@lento.example.pe")
        self.assertEqual(lento.status, Status.UNSUBSCRIBED)
        self.assertTrue(
            Event.objects.filter(kind=EventKind.UNSUBSCRIBED, message__contact=lento).exists()
        )
        # Everything it understood is gone from the server.
        self.assertEqual(self.servers.maildir_messages(), [])
        bounce_mailbox.refresh_from_db()
        self.assertIsNotNone(bounce_mailbox.last_checked_at)
        self.assertEqual(bounce_mailbox.last_error, "")

    def test_it_reads_postfix_bounces_over_imap(self) -> None:
        self.check(Protocol.IMAP)

    def test_it_reads_postfix_bounces_over_pop3(self) -> None:
        self.check(Protocol.POP3)

    def test_it_leaves_other_mail_on_the_server_and_does_not_read_it_again(self) -> None:
        for protocol in (Protocol.IMAP, Protocol.POP3):
            with self.subTest(protocol=protocol):
                for path in self.servers.maildir_messages():
                    path.unlink()
                with smtplib.SMTP("127.0.0.1", self.servers.smtp_port, timeout=10) as smtp:
                    smtp.sendmail(
                        "persona@example.pe",
                        ["rebote@escuela.example.pe"],
                        "From: persona@example.pe\r\nSubject: Consulta\r\n\r\nHola\r\n",
                    )
                self.servers.wait_for_mail(1)
                bounce_mailbox = self.mailbox(protocol)

                first = mailbox.poll(bounce_mailbox)
                second = mailbox.poll(bounce_mailbox)

                self.assertEqual([outcome.is_done for outcome in first.outcomes], [False])
                self.assertEqual(second.outcomes, [])
                self.assertEqual(len(self.servers.maildir_messages()), 1)
