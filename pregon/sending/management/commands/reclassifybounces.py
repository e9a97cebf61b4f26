from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from pregon.sending import bounces

# Restored addresses named in the summary; the rest are counted.
LISTED = 20


class Command(BaseCommand):
    help = (
        "Read every stored bounce again with the bounce classifier, store its new cause and "
        "kind, and mail again the addresses suppressed only by bounces that no longer call "
        "for it (a block of our server, SPF/DKIM/DMARC, soft bounces under the limit). "
        "Complaints, unsubscribes and suppressions by staff are left alone; each address "
        "restored is written in the audit log. --dry-run changes nothing."
    )

    def add_arguments(self, parser: object) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would change, and change nothing"
        )

    def handle(self, *args: object, dry_run: bool, **options: object) -> None:
        summary = bounces.reclassify(dry_run=dry_run)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
            changed = _("Bounces whose cause or kind would change: %(count)d.")
            restored = _(
                "Addresses that would be mailed again, suppressed only by bounces that no "
                "longer call for it: %(count)d."
            )
        else:
            changed = _("Bounces whose cause or kind changed: %(count)d.")
            restored = _(
                "Addresses mailed again, suppressed only by bounces that no longer call for "
                "it (each one is in the audit log): %(count)d."
            )
        self.stdout.write(_("Bounces read again: %(count)d.") % {"count": summary.read})
        self.stdout.write(changed % {"count": summary.changed})
        self.stdout.write(restored % {"count": len(summary.restored)})
        for email in summary.restored[:LISTED]:
            self.stdout.write(f"  {email}")
        if len(summary.restored) > LISTED:
            more = len(summary.restored) - LISTED
            self.stdout.write(_("  … and %(count)d more.") % {"count": more})
