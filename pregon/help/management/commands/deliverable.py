"""``pregon deliverable [--out DIR] [--admin EMAIL]`` (``make deliverable``): the delivery
pack of R22, after checking that every requirement of the checklist has its evidence."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from pregon.accounts.models import Role, User
from pregon.help.delivery import pack


class Command(BaseCommand):
    help = (
        "Write the delivery pack (checklist, credentials sheet and manual as PDFs, and the "
        "screenshots) into a folder; fail with the list of missing evidence."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help="The folder (default: var/entrega/<date>).")
        parser.add_argument(
            "--admin", help="The administrator the credentials are for (default: the first)."
        )

    def handle(self, *args: object, out: Path | None, admin: str | None, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            user = self.administrator(admin)
            try:
                built = pack.build(user, out)
            except pack.MissingEvidence as error:
                lines = [_("The pack was not built: evidence is missing.")]
                lines += [f"  {gap}" for gap in error.gaps]
                raise CommandError("\n".join(lines)) from None
            self.stdout.write(_("The pack is in %(folder)s.") % {"folder": built.folder})
            self.stdout.write(
                _("The quota's term runs from %(start)s to %(end)s.")
                % {"start": f"{built.term_start:%d/%m/%Y}", "end": f"{built.term_end:%d/%m/%Y}"}
            )

    def administrator(self, email: str | None) -> User:
        admins = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk")
        if email:
            admins = admins.filter(email__iexact=email.strip())
        user = admins.first()
        if user is None:
            if email:
                raise CommandError(
                    _("No active administrator has the address %(email)s.") % {"email": email}
                )
            raise CommandError(_("There is no active administrator: run `pregon setup` first."))
        return user
