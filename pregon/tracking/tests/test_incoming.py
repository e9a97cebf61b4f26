"""Messages in the bounce mailbox, one by one: abuse reports, soft and delayed notices,
bounces in a non-standard shape, unsubscribes by mail and forged tokens."""

import logging

from django.test import TestCase, override_settings

from pregon.campaigns import scheduling
from pregon.contacts.models import Contact, Status, Suppression
from pregon.lib import signing
from pregon.sending.models import Bounce, Message
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.tracking import incoming
from pregon.tracking.models import Event, EventKind

ADDRESS = "persona0000@example.pe"
FORGED = "1-aaaaaaaaaaaaaaaa"


def dsn(to: str, action: str, status: str, diagnostic: str) -> bytes:
    """A delivery status notice as a receiving server sends one back."""
    return f"""\
From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
To: {to}
Delivered-To: {to}
Subject: Delivery Status Notification
Date: Tue, 24 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; {ADDRESS}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; {diagnostic}

--b1
Content-Type: text/rfc822-headers

From: capacitacion@escuela.example.pe
To: {ADDRESS}
Subject: Hola

--b1--
""".encode()


def arf(original_headers: str, feedback_type: str = "abuse") -> bytes:
    """An abuse report (RFC 5965) from a mailbox provider's feedback loop."""
    return f"""\
From: Feedback Loop <fbl@proveedor.example.net>
To: quejas@escuela.example.pe
Subject: Abuse report
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="b2"

--b2
Content-Type: text/plain

This is an email abuse report.

--b2
Content-Type: message/feedback-report

Feedback-Type: {feedback_type}
User-Agent: ProveedorFBL/1.0
Version: 1
Original-Rcpt-To: {ADDRESS}

--b2
Content-Type: message/rfc822

{original_headers}From: capacitacion@escuela.example.pe
To: {ADDRESS}
Subject: Hola

Hola.

--b2--
""".encode()


class IncomingTestCase(TestCase):
    def setUp(self) -> None:
        campaign_to(contacts_on_a_list(2))
        scheduling.start_due_campaigns()
        self.message = Message.objects.get(email=ADDRESS)
        self.bounce_address = f"rebote+{signing.sign('bounce', self.message.pk)}@escuela.example.pe"
        self.unsubscribe_token = signing.sign("unsubscribe", self.message.pk)

    def status(self) -> str:
        return Contact.objects.get(email=ADDRESS).status

    def test_an_abuse_report_is_a_complaint_found_by_the_list_unsubscribe_address(self) -> None:
        header = (
            f"List-Unsubscribe: <https://correo.example.pe/t/baja/x/>, "
            f"<mailto:baja+{self.unsubscribe_token}@escuela.example.pe?subject=baja>\n"
        )
        outcome = incoming.handle(arf(header))
        self.assertTrue(outcome.is_done)
        bounce = Bounce.objects.get()
        self.assertEqual(
            (bounce.kind, bounce.source, bounce.email), ("complaint", "mailbox", ADDRESS)
        )
        self.assertEqual(bounce.message, self.message)
        self.assertIn("abuse", bounce.reason)
        self.assertEqual(self.status(), Status.COMPLAINED)
        self.assertTrue(Suppression.objects.filter(email=ADDRESS).exists())

    def test_an_abuse_report_may_name_the_message_by_its_return_path(self) -> None:
        incoming.handle(arf(f"Return-Path: <{self.bounce_address}>\n"))
        self.assertEqual(Bounce.objects.get().message, self.message)

    def test_a_not_spam_report_is_no_complaint(self) -> None:
        incoming.handle(arf(f"Return-Path: <{self.bounce_address}>\n", "not-spam"))
        self.assertFalse(Bounce.objects.exists())
        self.assertEqual(self.status(), Status.SUBSCRIBED)

    @override_settings(SOFT_BOUNCE_LIMIT=2)
    def test_a_temporary_failure_is_soft_and_suppresses_only_after_the_limit(self) -> None:
        data = dsn(self.bounce_address, "failed", "4.2.0", "452 4.2.0 Try again later")
        outcome = incoming.handle(data)
        self.assertEqual(outcome.detail, "452 4.2.0 Try again later")
        self.assertEqual(Bounce.objects.get().kind, "soft")
        self.assertEqual(self.status(), Status.SUBSCRIBED)
        # A second campaign's message bounces softly too: now the address is suppressed.
        second = Message.objects.create(mailing=self.message.mailing, email=ADDRESS)
        incoming.handle(
            dsn(
                f"rebote+{signing.sign('bounce', second.pk)}@escuela.example.pe",
                "failed",
                "4.4.7",
                "Delivery time expired",
            )
        )
        self.assertEqual(self.status(), Status.BOUNCED)

    def test_a_notice_returning_an_outlook_delivered_copy_is_a_bounce_not_a_complaint(self) -> None:
        # The copy Outlook.com delivered (and its user forwarded on) carries the header of
        # its complaint feed; the notice's delivery-status part still says what happened.
        headers = b"Content-Type: text/rfc822-headers\n\n"
        data = dsn(self.bounce_address, "failed", "4.2.2", "452 4.2.2 Mailbox full").replace(
            headers, headers + f"X-HmXmrOriginalRecipient: <{ADDRESS}>\n".encode()
        )
        incoming.handle(data)
        bounce = Bounce.objects.get()
        self.assertEqual((bounce.kind, bounce.cause), ("soft", "mailbox_full"))
        self.assertEqual(self.status(), Status.SUBSCRIBED)
        self.assertFalse(Suppression.objects.filter(email=ADDRESS).exists())

    def test_a_delay_warning_records_nothing_and_is_deleted(self) -> None:
        outcome = incoming.handle(dsn(self.bounce_address, "delayed", "4.4.1", "timed out"))
        self.assertTrue(outcome.is_done)
        self.assertFalse(Bounce.objects.exists())

    def test_the_same_notice_read_twice_counts_once(self) -> None:
        data = dsn(self.bounce_address, "failed", "5.1.1", "550 5.1.1 No such user")
        incoming.handle(data)
        incoming.handle(data)
        bounce = Bounce.objects.get()
        self.assertEqual((bounce.kind, bounce.reason), ("hard", "550 5.1.1 No such user"))
        self.assertEqual(self.status(), Status.BOUNCED)

    def test_a_notice_with_a_forged_token_records_nothing_and_stays(self) -> None:
        data = dsn(f"rebote+{FORGED}@escuela.example.pe", "failed", "5.1.1", "No such user")
        with self.assertLogs("pregon.tracking.incoming", logging.WARNING):
            outcome = incoming.handle(data)
        self.assertFalse(outcome.is_done)
        self.assertFalse(Bounce.objects.exists())
        self.assertEqual(self.status(), Status.SUBSCRIBED)

    def test_a_bounce_without_a_delivery_status_part_is_found_by_flufl_bounce(self) -> None:
        data = f"""\
From: MAILER-DAEMON@mx.example.org
To: {self.bounce_address}
Subject: failure notice

Hi. This is the qmail-send program at mx.example.org.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<{ADDRESS}>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Subject: Hola
""".encode()
        outcome = incoming.handle(data)
        self.assertTrue(outcome.is_done)
        self.assertEqual(Bounce.objects.get().kind, "hard")
        self.assertEqual(self.status(), Status.BOUNCED)

    def test_a_mail_to_the_unsubscribe_address_unsubscribes_at_once(self) -> None:
        data = (
            f"From: {ADDRESS}\nTo: baja+{self.unsubscribe_token}@escuela.example.pe\n"
            "Subject: baja\n\nbaja\n"
        ).encode()
        outcome = incoming.handle(data)
        self.assertTrue(outcome.is_done)
        self.assertEqual(self.status(), Status.UNSUBSCRIBED)
        self.assertEqual(Event.objects.get().kind, EventKind.UNSUBSCRIBED)
        self.assertFalse(Bounce.objects.exists())

    def test_a_forged_unsubscribe_address_does_nothing(self) -> None:
        data = f"From: x@example.pe\nTo: baja+{FORGED}@escuela.example.pe\n\nbaja\n".encode()
        with self.assertLogs("pregon.tracking.incoming", logging.WARNING):
            outcome = incoming.handle(data)
        self.assertFalse(outcome.is_done)
        self.assertEqual(self.status(), Status.SUBSCRIBED)
        self.assertFalse(Event.objects.exists())

    def test_a_diagnostic_in_raw_utf8_is_kept(self) -> None:
        data = dsn(self.bounce_address, "failed", "5.1.1", "550 5.1.1 El buzón no existe")
        outcome = incoming.handle(data)
        self.assertTrue(outcome.is_done)
        self.assertEqual(Bounce.objects.get().reason, "550 5.1.1 El buzón no existe")
