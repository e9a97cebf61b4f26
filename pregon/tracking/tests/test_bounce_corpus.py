"""The one bounce classifier on real-shaped notices (bounce_corpus/, answers in
expected.csv), on SMTP replies as the relay gives them, and through the bounce mailbox."""

import csv
from pathlib import Path

from django.test import SimpleTestCase, TestCase

from pregon.campaigns import scheduling
from pregon.contacts.models import Contact, Status, Suppression
from pregon.lib import signing
from pregon.sending.bounces import dsn
from pregon.sending.bounces.classifier import classify
from pregon.sending.models import Bounce, BounceKind, Message
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.tracking import incoming

CORPUS = Path(__file__).parent / "bounce_corpus"
ADDRESS = "persona0000@example.pe"  # The first of contacts_on_a_list.
# The VERP return path and the recipient the corpus's notices were written with.
CORPUS_RETURN_PATH = "rebote+4821-kq3v7mxa@envios.example.gob.pe"


def expected() -> list[dict[str, str]]:
    with open(CORPUS / "expected.csv", newline="") as file:
        return list(csv.DictReader(file))


class CorpusTestCase(SimpleTestCase):
    def test_the_corpus_covers_every_mail_system_and_150_notices(self) -> None:
        rows = expected()
        self.assertGreaterEqual(len(rows), 150)
        systems = {row["file"].split("/")[0] for row in rows}
        self.assertLessEqual(
            {"postfix", "exim", "sendmail", "qmail", "exchange", "office365", "gmail"}
            | {"yahoo", "amazonses", "sendgrid", "notes", "docomo", "au", "softbank"}
            | {"workmail", "opensmtpd", "messagelabs", "microsoft", "arf"},
            systems,
        )

    def test_each_notice_gives_its_recipient_cause_and_kind(self) -> None:
        for row in expected():
            with self.subTest(file=row["file"]):
                report = dsn.read((CORPUS / row["file"]).read_bytes())
                if row["cause"] == "none":
                    self.assertEqual(report.failures, [])
                    continue
                self.assertTrue(report.is_notice)
                found = {failure.email: failure for failure in report.failures}
                self.assertIn(row["recipient"], found, "not recognised")
                failure = found[row["recipient"]]
                self.assertEqual((failure.cause, failure.kind), (row["cause"], row["kind"]))


class SmtpReplyTestCase(SimpleTestCase):
    """What the relay answers while sending, as the engine has it classified."""

    def test_replies(self) -> None:
        cases = [
            (
                550,
                "5.1.1 <x@example.org>: Recipient address rejected: User unknown",
                "",
                "user_unknown",
            ),
            (
                550,
                "5.1.1 The email account that you tried to reach does not exist.",
                "",
                "user_unknown",
            ),
            (550, "5.5.0 Requested action not taken: mailbox unavailable", "", "user_unknown"),
            (553, "5.1.3 Bad recipient address syntax", "", "user_unknown"),
            (550, "5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found", "", "user_unknown"),
            (550, "No such user here", "", "user_unknown"),
            (556, "5.1.10 Recipient address rejected: domain uses a null MX", "", "not_accept"),
            (550, "5.1.2 Host unknown", "", "host_unknown"),
            (551, "User not local; please try <x@example.net>", "", "has_moved"),
            (550, "5.2.1 The email account that you tried to reach is disabled.", "", "suspended"),
            (552, "5.2.2 Mailbox full: user unknown", "", "mailbox_full"),
            (
                550,
                "5.2.1 The user you are trying to contact is receiving mail at a rate",
                "",
                "rate_limited",
            ),
            (554, "5.7.1 Message rejected as spam", "", "spam"),
            (554, "5.7.1 Client host rejected: blocked using zen.spamhaus.org", "", "blocked"),
            (550, "5.1.1 user unknown; client blocked using bl.spamcop.net", "", "blocked"),
            (550, "5.7.606 Access denied, banned sending IP [198.51.100.25]", "", "blocked"),
            (
                550,
                "5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy",
                "",
                "security",
            ),
            (550, "5.7.1 Recipient address rejected: Access denied", "", "policy"),
            (550, "Mailbox unavailable: message blocked as spam", "", "spam"),
            (550, "5.4.1 Relay access denied", "", "policy"),
            (553, "5.1.8 Domain of sender address does not exist", "", "rejected_sender"),
            (550, "5.1.1 User unknown", "MAIL", "rejected_sender"),
            (550, "You have no permission to post to this list", "", "rejected_sender"),
            (552, "5.3.4 Message size exceeds fixed maximum message size", "", "content"),
            (450, "4.1.1 User unknown in local recipient table", "", "undefined"),
            (421, "4.7.0 Try again later, closing connection.", "", "rate_limited"),
            (421, "4.7.0 Too many connections from your host", "", "too_many_conn"),
            (554, "Transaction failed", "", "undefined"),
        ]
        for code, reply, command, cause in cases:
            with self.subTest(code=code, reply=reply):
                self.assertEqual(
                    classify(diagnostic=reply, code=code, command=command).cause, cause
                )

    def test_a_temporary_refusal_given_up_is_expired(self) -> None:
        diagnosis = classify(diagnostic="4.4.1 Connection timed out", code=451, gave_up=True)
        self.assertEqual((diagnosis.cause, diagnosis.kind), ("expired", BounceKind.SOFT))


class MailboxTestCase(TestCase):
    """Through the bounce mailbox: a block is recorded but suppresses no one."""

    def setUp(self) -> None:
        campaign_to(contacts_on_a_list(2))
        scheduling.start_due_campaigns()
        self.message = Message.objects.get(email=ADDRESS)
        self.bounce_address = f"rebote+{signing.sign('bounce', self.message.pk)}@escuela.example.pe"

    def notice(self, file: str) -> bytes:
        row = next(row for row in expected() if row["file"] == file)
        text = (CORPUS / file).read_text(encoding="utf-8")
        text = text.replace(CORPUS_RETURN_PATH, self.bounce_address)
        return text.replace(row["recipient"], ADDRESS).encode()

    def test_a_blocked_ip_is_a_sending_side_bounce_and_the_contact_stays(self) -> None:
        outcome = incoming.handle(self.notice("exchange/136-banned-ip-dsn.eml"))
        self.assertTrue(outcome.is_done)
        bounce = Bounce.objects.get()
        self.assertEqual((bounce.kind, bounce.cause), (BounceKind.SENDER, "blocked"))
        self.assertEqual(Contact.objects.get(email=ADDRESS).status, Status.SUBSCRIBED)
        self.assertFalse(Suppression.objects.exists())

    def test_an_unknown_user_suppresses(self) -> None:
        incoming.handle(self.notice("postfix/001-user-unknown.eml"))
        bounce = Bounce.objects.get()
        self.assertEqual((bounce.kind, bounce.cause), (BounceKind.HARD, "user_unknown"))
        self.assertEqual(Contact.objects.get(email=ADDRESS).status, Status.BOUNCED)
        self.assertTrue(Suppression.objects.filter(email=ADDRESS).exists())
