"""`pregon reclassifybounces`: stored bounces read again with the classifier, and the
addresses they suppressed by mistake mailed again, with the audit log's record."""

import io
from unittest import mock

from django.core.management import call_command
from django.test import TestCase
from django.utils import translation

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts import bulk
from pregon.contacts.models import Contact, Status, Suppression, SuppressionReason
from pregon.sending import bounces
from pregon.sending.models import Bounce, BounceKind, BounceSource

BLOCKED = "554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org"
UNKNOWN = "550 5.1.1 <luis@example.pe>: Recipient address rejected: User unknown"
FULL = "552 5.2.2 <rosa@example.pe>: Mailbox full"


def suppressed_by(email: str, kind: str, reason: str, status: str = Status.BOUNCED) -> Bounce:
    """A contact that the old rules suppressed for a bounce of ``kind`` saying ``reason``."""
    Contact.objects.create(email=email, status=status)
    bounce = Bounce.objects.create(
        kind=kind, source=BounceSource.MAILBOX, email=email, reason=reason
    )
    why = (
        SuppressionReason.COMPLAINED if kind == BounceKind.COMPLAINT else SuppressionReason.BOUNCED
    )
    Suppression.objects.create(email=email, reason=why, note=reason[:255])
    return bounce


def run(*args: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("reclassifybounces", *args, stdout=out)
    return out.getvalue()


class ReclassifyBouncesTestCase(TestCase):
    def setUp(self) -> None:
        # The old rules: every 5.x.x status was a hard bounce, which suppressed at once.
        self.block = suppressed_by("ana@gmail.com", BounceKind.HARD, BLOCKED)
        self.unknown = suppressed_by("luis@example.pe", BounceKind.HARD, UNKNOWN)
        self.full = suppressed_by("rosa@example.pe", BounceKind.HARD, FULL)
        suppressed_by("pepe@example.pe", BounceKind.COMPLAINT, "abuse", Status.COMPLAINED)

    def status(self, email: str) -> str:
        return Contact.objects.get(email=email).status

    def test_a_block_that_suppressed_someone_is_read_again_and_the_person_restored(self) -> None:
        output = run()

        self.block.refresh_from_db()
        self.assertEqual((self.block.kind, self.block.cause), ("sender", "blocked"))
        self.assertFalse(Suppression.objects.filter(email="ana@gmail.com").exists())
        self.assertEqual(self.status("ana@gmail.com"), Status.SUBSCRIBED)
        entry = AuditEntry.objects.get(action=AuditAction.BOUNCE_REREAD, target="ana@gmail.com")
        self.assertEqual(entry.detail, {"causes": ["blocked"], "status": "subscribed"})
        self.assertIn("Bounces read again: 4.", output)
        self.assertIn("ana@gmail.com", output)

    def test_an_unknown_mailbox_stays_suppressed(self) -> None:
        run()

        self.unknown.refresh_from_db()
        self.assertEqual((self.unknown.kind, self.unknown.cause), ("hard", "user_unknown"))
        self.assertEqual(Suppression.objects.get(email="luis@example.pe").reason, "bounced")
        self.assertEqual(self.status("luis@example.pe"), Status.BOUNCED)
        self.assertFalse(AuditEntry.objects.filter(target="luis@example.pe").exists())

    def test_one_full_mailbox_is_soft_and_under_the_limit(self) -> None:
        run()

        self.full.refresh_from_db()
        self.assertEqual((self.full.kind, self.full.cause), ("soft", "mailbox_full"))
        self.assertEqual(self.status("rosa@example.pe"), Status.SUBSCRIBED)

    def test_soft_bounces_up_to_the_limit_keep_the_address_suppressed(self) -> None:
        for _n in range(2):
            Bounce.objects.create(
                kind=BounceKind.SOFT, source=BounceSource.SMTP, email="rosa@example.pe", reason=FULL
            )
        with self.settings(SOFT_BOUNCE_LIMIT=3):
            run()
        self.assertEqual(self.status("rosa@example.pe"), Status.BOUNCED)
        self.assertTrue(Suppression.objects.filter(email="rosa@example.pe").exists())

    def test_complaints_unsubscribes_and_staff_suppressions_are_left_alone(self) -> None:
        # A complaint after a block: the suppression says "bounced", the person complained.
        Bounce.objects.create(
            kind=BounceKind.COMPLAINT, source=BounceSource.MAILBOX, email="ana@gmail.com"
        )
        Contact.objects.filter(email="ana@gmail.com").update(status=Status.COMPLAINED)
        # Added by staff, whatever bounced.
        Contact.objects.create(email="eva@example.pe", status=Status.BOUNCED)
        Suppression.objects.create(email="eva@example.pe", reason=SuppressionReason.MANUAL)
        Bounce.objects.create(
            kind=BounceKind.HARD, source=BounceSource.SMTP, email="eva@example.pe", reason=BLOCKED
        )
        # Left, then bounced for a block: back among those who left.
        suppressed_by("ines@example.pe", BounceKind.HARD, BLOCKED)
        AuditEntry.objects.create(action=AuditAction.UNSUBSCRIBE, target="ines@example.pe")

        run()

        self.assertEqual(self.status("ana@gmail.com"), Status.COMPLAINED)
        self.assertEqual(self.status("pepe@example.pe"), Status.COMPLAINED)
        self.assertEqual(
            dict(Suppression.objects.values_list("email", "reason")),
            {
                "ana@gmail.com": "bounced",
                "pepe@example.pe": "complained",
                "eva@example.pe": "manual",
                "luis@example.pe": "bounced",
            },
        )
        self.assertEqual(Bounce.objects.get(email="pepe@example.pe").cause, "complaint")
        self.assertEqual(self.status("ines@example.pe"), Status.UNSUBSCRIBED)

    def test_a_dry_run_changes_nothing_and_says_what_it_would_do(self) -> None:
        output = run("--dry-run")

        self.assertEqual(
            sorted(Bounce.objects.values_list("kind", "cause")),
            [
                ("complaint", "undefined"),
                ("hard", "undefined"),
                ("hard", "undefined"),
                ("hard", "undefined"),
            ],
        )
        self.assertEqual(Suppression.objects.count(), 4)
        self.assertEqual(self.status("ana@gmail.com"), Status.BOUNCED)
        self.assertFalse(AuditEntry.objects.exists())
        self.assertIn("Dry run: nothing was changed.", output)
        self.assertIn("Bounces whose cause or kind would change: 4.", output)
        self.assertIn("Addresses that would be mailed again", output)
        self.assertIn(": 2.\n  ana@gmail.com\n  rosa@example.pe\n", output)

    def test_it_works_in_batches(self) -> None:
        for n in range(5):
            suppressed_by(f"p{n}@gmail.com", BounceKind.HARD, BLOCKED)
        with mock.patch.object(bounces, "BATCH_SIZE", 2):
            output = run()
        self.assertIn("Bounces read again: 9.", output)
        self.assertEqual(
            Contact.objects.filter(email__endswith="@gmail.com", status=Status.SUBSCRIBED).count(),
            6,
        )
        self.assertEqual(Bounce.objects.filter(kind=BounceKind.SENDER).count(), 6)

    def test_it_speaks_spanish(self) -> None:
        out = io.StringIO()
        with translation.override("es"):
            call_command("reclassifybounces", "--dry-run", stdout=out)
        self.assertIn("Prueba: no se cambió nada.", out.getvalue())


class LeftByOtherMeansTestCase(TestCase):
    def test_a_contact_unsubscribed_by_staff_stays_out_when_their_bounce_is_read_again(
        self,
    ) -> None:
        # Unsubscribed from the contacts screen (no unsubscribe of theirs in the audit log),
        # then a late notice of a block of the message sent before.
        Contact.objects.create(email="rosa@example.pe", status=Status.SUBSCRIBED)
        bulk.unsubscribe(Contact.objects.filter(email="rosa@example.pe"))
        bounces.record("rosa@example.pe", BounceKind.HARD, BounceSource.MAILBOX, reason=BLOCKED)
        self.assertTrue(Suppression.objects.filter(email="rosa@example.pe").exists())

        run()

        self.assertFalse(Suppression.objects.filter(email="rosa@example.pe").exists())
        self.assertEqual(Contact.objects.get(email="rosa@example.pe").status, Status.UNSUBSCRIBED)
