"""``pregon restore FILE [--force]``: make this install again from a backup (see
pregon.operations.restore). Stop the platform's processes first."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from pregon.operations.database import DatabaseToolError
from pregon.operations.restore import RestoreError, restore


class Command(BaseCommand):
    help = "Restore this install from a file written by “pregon backup”."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace this install's contacts, templates and campaigns if it has any.",
        )

    def handle(self, *args: object, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                warnings = restore(
                    options["file"], settings.BACKUP_PASSPHRASE, force=options["force"]
                )
            except (RestoreError, DatabaseToolError) as error:
                raise CommandError(str(error)) from None
            for warning in warnings:
                self.stderr.write(warning)
            self.stdout.write(
                _("Restored from %(path)s. Start the platform again.") % {"path": options["file"]}
            )
