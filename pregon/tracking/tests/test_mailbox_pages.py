"""The bounce mailbox screens: administrators only, the password never shown back, and
"check now" against a real Dovecot (and a dead port)."""

import logging
import smtplib
import unittest

from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.lib import vault
from pregon.sending.models import Security
from pregon.testing import BaseTestCase, mailservers
from pregon.tracking.models import BounceMailbox, Protocol

PASSWORD = "clave-Secreta-99"
MISSING = mailservers.missing()


class MailboxFormTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice)

    def data(self, **changes: object) -> dict[str, object]:
        return {
            "protocol": "imap",
            "host": "imap.example.gob.pe",
            "port": "993",
            "security": "tls",
            "username": "rebotes@example.gob.pe",
            "password": PASSWORD,
            "folder": "INBOX",
            "is_active": "on",
            **changes,
        }

    def test_only_administrators_may_see_or_change_them(self) -> None:
        mailbox = BounceMailbox.objects.create(host="imap.example.gob.pe", username="rebotes")
        urls = [
            reverse("tracking:mailboxes"),
            reverse("tracking:mailbox_create"),
            reverse("tracking:mailbox_edit", args=[mailbox.code]),
            reverse("tracking:mailbox_delete", args=[mailbox.code]),
        ]
        for user in (self.bob, self.charlie):
            self.client.force_login(user)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 403)
            check = reverse("tracking:mailbox_check", args=[mailbox.code])
            self.assertEqual(self.client.post(check).status_code, 403)
            self.assertEqual(self.client.post(urls[1], self.data()).status_code, 403)
        self.assertEqual(BounceMailbox.objects.count(), 1)

    def test_the_administration_menu_links_to_them(self) -> None:
        response = self.client.get(reverse("sending:backends"))
        self.assertContains(response, f'href="{reverse("tracking:mailboxes")}"')

    def test_it_creates_one_with_the_password_encrypted_and_never_shown(self) -> None:
        response = self.client.post(reverse("tracking:mailbox_create"), self.data(), follow=True)
        self.assertRedirects(response, reverse("tracking:mailboxes"))
        mailbox = BounceMailbox.objects.get()
        self.assertEqual((mailbox.protocol, mailbox.port), (Protocol.IMAP, 993))
        self.assertEqual(vault.decrypt(mailbox.password), PASSWORD)
        self.assertContains(response, "imap.example.gob.pe:993")
        self.assertNotContains(response, PASSWORD)
        edit = self.client.get(reverse("tracking:mailbox_edit", args=[mailbox.code]))
        self.assertContains(edit, "A password is stored.")
        self.assertNotContains(edit, PASSWORD)
        self.assertNotContains(edit, mailbox.password)
        entry = AuditEntry.objects.get(action=AuditAction.BACKEND_CHANGED)
        self.assertNotIn(PASSWORD, str(entry.detail) + entry.target)

    def test_a_blank_password_keeps_the_stored_one(self) -> None:
        mailbox = BounceMailbox.objects.create(
            host="imap.example.gob.pe", username="rebotes", password=vault.encrypt(PASSWORD)
        )
        url = reverse("tracking:mailbox_edit", args=[mailbox.code])
        self.client.post(url, self.data(password="", protocol="pop3", port="995"))
        mailbox.refresh_from_db()
        self.assertEqual(mailbox.protocol, Protocol.POP3)
        self.assertEqual(vault.decrypt(mailbox.password), PASSWORD)

    def test_it_refuses_no_encryption_beyond_this_server_and_no_password(self) -> None:
        data = self.data(security="none", password="")
        response = self.client.post(reverse("tracking:mailbox_create"), data)
        self.assertContains(
            response, "Without encryption only a mail server on this same server may be used."
        )
        self.assertContains(response, "Enter the mailbox&#x27;s password.")
        self.assertFalse(BounceMailbox.objects.exists())

    def test_only_mail_ports_are_accepted_so_a_check_cannot_scan_the_network(self) -> None:
        self.use_spanish()
        response = self.client.post(reverse("tracking:mailbox_create"), self.data(port="6379"))
        self.assertEqual(
            response.context["form"].errors["port"],
            ["Use uno de los puertos de los servidores de correo: 110, 143, 993, 995."],
        )
        self.assertFalse(BounceMailbox.objects.exists())
        self.client.post(reverse("tracking:mailbox_create"), self.data(port="995"))
        self.assertEqual(BounceMailbox.objects.get().port, 995)

    def test_it_deletes_one(self) -> None:
        mailbox = BounceMailbox.objects.create(host="imap.example.gob.pe", username="rebotes")
        url = reverse("tracking:mailbox_delete", args=[mailbox.code])
        self.assertContains(self.client.get(url), "rebotes@imap.example.gob.pe")
        self.assertRedirects(self.client.post(url), reverse("tracking:mailboxes"))
        self.assertFalse(BounceMailbox.objects.exists())
        self.assertTrue(AuditEntry.objects.filter(action=AuditAction.DELETION).exists())

    def test_check_now_shows_why_a_dead_server_failed(self) -> None:
        mailbox = BounceMailbox.objects.create(
            host="127.0.0.1",
            port=mailservers.free_port(),
            security=Security.NONE,
            username="rebotes",
            password=vault.encrypt(PASSWORD),
        )
        with self.assertLogs("pregon.tracking.mailbox", logging.WARNING):
            response = self.client.post(reverse("tracking:mailbox_check", args=[mailbox.code]))
        # Only that it could not connect: not whether the port was closed or filtered.
        could_not = f"Could not connect to 127.0.0.1:{mailbox.port}."
        self.assertContains(response, could_not)
        self.assertContains(response, "0 messages read.")
        mailbox.refresh_from_db()
        self.assertEqual(could_not, mailbox.last_error)
        self.assertIn(could_not, self.client.get(reverse("tracking:mailboxes")).text)


@unittest.skipIf(MISSING, MISSING)
class MailboxCheckTestCase(BaseTestCase):
    def test_check_now_lists_what_it_read(self) -> None:
        with mailservers.running() as servers:
            with smtplib.SMTP("127.0.0.1", servers.smtp_port, timeout=10) as smtp:
                smtp.sendmail(
                    "persona@example.pe",
                    ["rebote@escuela.example.pe"],
                    "From: persona@example.pe\r\nSubject: Consulta\r\n\r\nHola\r\n",
                )
            servers.wait_for_mail(1)
            mailbox = BounceMailbox.objects.create(
                protocol=Protocol.POP3,
                host="127.0.0.1",
                port=servers.pop3_port,
                security=Security.NONE,
                username=mailservers.USER,
                password=vault.encrypt(mailservers.PASSWORD),
            )
            self.client.force_login(self.alice)
            response = self.client.post(reverse("tracking:mailbox_check", args=[mailbox.code]))
        self.assertContains(response, "1 message read.")
        self.assertContains(response, "Not a bounce, complaint or unsubscribe")
        self.assertNotContains(response, "The check failed")
