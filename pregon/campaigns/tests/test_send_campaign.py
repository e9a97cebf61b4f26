"""A campaign to 1,000 contacts, end to end through a real SMTP server: what arrives is
checked header by header, its DKIM signatures are verified with dkimpy, the ledger adds up."""

import re

import dkim
from django.db.models import Sum
from django.test import TestCase, override_settings

from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.contacts.models import Contact, Status, Suppression
from pregon.domains.models import DkimKey
from pregon.lib import signing
from pregon.sending.models import Message, MessageStatus, QuotaDebit
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server


def send_everything() -> None:
    """What the scheduler and a sender process do, until nothing is left."""
    scheduling.start_due_campaigns()
    send_all()
    scheduling.follow_mailings()


def dns_for_keys(name: bytes, timeout: int = 5) -> bytes:
    """dkimpy's DNS look-up, answered from our keys: no network."""
    selector, _, domain = name.decode().rstrip(".").partition("._domainkey.")
    key = DkimKey.objects.get(selector=selector, domain__name=domain)
    return key.dns_value.encode()


@override_settings(SITE_URL="https://correo.escuela.example.pe")
class SendCampaignTestCase(TestCase):
    def setUp(self) -> None:
        self.mailing_list = contacts_on_a_list(1000)
        Contact.objects.filter(email="persona0007@example.pe").update(first_name="<b>Ana</b> & Co")
        Contact.objects.filter(email="persona0008@example.pe").update(status=Status.UNSUBSCRIBED)
        Suppression.objects.create(email="persona0009@example.pe")

    def test_a_thousand_messages_arrive_once_each_signed_and_personalised(self) -> None:
        mailbox = Mailbox()
        with smtp_server(mailbox):
            campaign = campaign_to(self.mailing_list)
            send_everything()

        # Everybody once, except the unsubscribed and the suppressed contact.
        counts = mailbox.count()
        self.assertEqual(len(counts), 998)
        self.assertEqual(set(counts.values()), {1})
        self.assertNotIn("persona0008@example.pe", counts)
        self.assertNotIn("persona0009@example.pe", counts)

        message_ids = set()
        for received in mailbox.received:
            number = int(received.recipient[7:11])
            parsed = received.parsed()
            name = "<b>Ana</b> & Co" if number == 7 else f"Nombre{number:04d}"
            self.assertEqual(parsed["Subject"], f"Hola {name}")
            self.assertEqual(parsed["To"].addresses[0].addr_spec, received.recipient)
            self.assertEqual(
                str(parsed["From"]), "Escuela de Capacitación <capacitacion@escuela.example.pe>"
            )
            self.assertEqual(parsed["Reply-To"], "consultas@escuela.example.pe")
            message_ids.add(parsed["Message-ID"])

            # RFC 8058 one-click unsubscribe: an https URL with an opaque token, and a mailto.
            unsubscribe = parsed["List-Unsubscribe"]
            url = re.search(r"<(https://[^>]+)>", unsubscribe).group(1)
            self.assertRegex(
                url, r"^https://correo\.escuela\.example\.pe/t/baja/[0-9a-z]+-[a-z2-7]+/$"
            )
            # By mail to the bounce subdomain, whose MX is the bounce mailbox's.
            self.assertRegex(
                unsubscribe, r"<mailto:baja\+[0-9a-z-]+@rebotes\.escuela\.example\.pe\?"
            )
            self.assertEqual(parsed["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
            self.assertRegex(parsed["List-Id"], r"^<[0-9a-f]{32}\.escuela\.example\.pe>$")
            self.assertEqual(parsed["Feedback-ID"], f"{campaign.pk}:campaign:pregon")

            # The return path names the message (VERP), signed.
            local, _at, domain = received.mail_from.partition("@")
            self.assertTrue(local.startswith("rebote+"))
            self.assertEqual(domain, "rebotes.escuela.example.pe")
            message = Message.objects.get(pk=signing.unsign("bounce", local[7:]))
            self.assertEqual(message.email, received.recipient)

            # multipart/alternative: the text part and the HTML part, both personalised.
            self.assertEqual(parsed.get_content_type(), "multipart/alternative")
            text = parsed.get_body(("plain",)).get_content()
            html = parsed.get_body(("html",)).get_content()
            self.assertIn(f"Hola {name}, te escribe la Escuela.", text)
            self.assertIn(url, text)
            if number == 7:
                self.assertIn("Hola &lt;b&gt;Ana&lt;/b&gt; &amp; Co,", html)
            else:
                self.assertIn(f"Hola {name}, te escribe", html)

        self.assertEqual(len(message_ids), 998)

        # Every message is DKIM-signed twice (Ed25519 and RSA), both covering the
        # List-Unsubscribe headers; dkimpy verifies each signature.
        for received in mailbox.received[:50]:
            signatures = re.findall(rb"^DKIM-Signature:", received.data, re.MULTILINE)
            self.assertEqual(len(signatures), 2)
            header = received.parsed()["DKIM-Signature"]
            self.assertIn("list-unsubscribe-post", header.lower())
            verifier = dkim.DKIM(received.data)
            for index in range(2):
                self.assertTrue(verifier.verify(idx=index, dnsfunc=dns_for_keys), index)

        # The ledger: one debit per accepted message, and the campaign is done.
        self.assertEqual(Message.objects.filter(status=MessageStatus.SENT).count(), 998)
        self.assertEqual(QuotaDebit.objects.aggregate(total=Sum("count"))["total"], 998)
        campaign.refresh_from_db()
        self.assertEqual(campaign.status, CampaignStatus.SENT)
        self.assertIsNotNone(campaign.finished_at)

    @override_settings(SENDING_RETRY_DELAYS=[0, 0, 0])
    def test_deferrals_and_dropped_connections_deliver_each_once_and_bill_only_acceptance(
        self,
    ) -> None:
        def answer(recipient: str, attempt: int) -> str | None:
            number = int(recipient[7:11])
            if attempt == 1 and number % 5 == 0:
                return "451 4.3.0 Try again later"
            if attempt == 1 and number % 7 == 0:
                return "drop"
            if attempt <= 2 and number % 11 == 0:
                return "421 4.3.2 Too busy"
            if number == 13:
                return (
                    "550 5.1.1 <persona0013@example.pe>: Recipient address rejected: User unknown"
                )
            return None

        mailbox = Mailbox(answer)
        with smtp_server(mailbox):
            campaign_to(self.mailing_list)
            send_everything()

        counts = mailbox.count()
        self.assertEqual(len(counts), 997)  # All but the unknown mailbox (and 8 and 9).
        self.assertEqual(set(counts.values()), {1})
        self.assertEqual(mailbox.attempts["persona0010@example.pe"], 2)
        self.assertEqual(mailbox.attempts["persona0022@example.pe"], 3)
        self.assertEqual(Message.objects.filter(status=MessageStatus.SENT).count(), 997)
        self.assertEqual(QuotaDebit.objects.aggregate(total=Sum("count"))["total"], 997)

        # The unknown mailbox failed for good, and its contact is now a hard bounce.
        failed = Message.objects.get(status=MessageStatus.FAILED)
        self.assertEqual((failed.email, failed.smtp_code), ("persona0013@example.pe", 550))
        self.assertEqual(Contact.objects.get(email=failed.email).status, Status.BOUNCED)
        self.assertTrue(Suppression.objects.filter(email=failed.email).exists())

    @override_settings(SENDING_RETRY_DELAYS=[0, 0])
    def test_a_message_deferred_every_time_fails_after_its_last_try_unbilled(self) -> None:
        mailbox = Mailbox(
            lambda recipient, attempt: "451 4.3.0 Later" if "0042" in recipient else None
        )
        with smtp_server(mailbox):
            campaign_to(self.mailing_list)
            send_everything()
        self.assertEqual(mailbox.attempts["persona0042@example.pe"], 3)
        failed = Message.objects.get(status=MessageStatus.FAILED)
        self.assertEqual(
            (failed.email, failed.attempts, failed.smtp_code), ("persona0042@example.pe", 3, 451)
        )
        self.assertEqual(QuotaDebit.objects.aggregate(total=Sum("count"))["total"], 997)
        # A deferral is no bounce: the contact stays subscribed.
        self.assertEqual(Contact.objects.get(email=failed.email).status, Status.SUBSCRIBED)

    def test_a_name_with_angle_brackets_sends_every_message_with_the_audience_s_list_id(
        self,
    ) -> None:
        mailbox = Mailbox()
        self.mailing_list.name = "Becarios <internos> 2026"
        self.mailing_list.save()
        with smtp_server(mailbox):
            first = campaign_to(self.mailing_list)
            Campaign.objects.filter(pk=first.pk).update(name="Becas <2026>")
            send_everything()
            second = campaign_to(self.mailing_list)
            send_everything()

        self.assertEqual(len(mailbox.received), 998 * 2)
        list_ids = {received.parsed()["List-Id"] for received in mailbox.received}
        # One List-Id for the list, whatever the campaign: an RFC 2919 dot-atom that names
        # neither the campaign nor the list.
        self.assertEqual(len(list_ids), 1)
        list_id = list_ids.pop()
        self.assertRegex(list_id, r"^<[0-9a-f]{32}\.escuela\.example\.pe>$")
        for campaign in (first, second):
            campaign.refresh_from_db()
            self.assertEqual(campaign.status, CampaignStatus.SENT)
            self.assertNotIn(campaign.code.hex, list_id)
