"""``pregon backup [--output DIR] [--encrypt]``: write one file holding this install (see
pregon.operations.backup) and print its path. The passphrase of ``--encrypt`` comes from
``PREGON_BACKUP_PASSPHRASE`` (or the file named by ``PREGON_BACKUP_PASSPHRASE_FILE``), never
from the command line, which other users of the machine can read."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from pregon.operations.backup import backup, default_folder
from pregon.operations.database import DatabaseToolError


class Command(BaseCommand):
    help = "Write a backup of this install (database, keys, uploaded files) and print its path."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="Folder to write it in.")
        parser.add_argument(
            "--encrypt",
            action="store_true",
            help="Encrypt it with the passphrase in PREGON_BACKUP_PASSPHRASE.",
        )

    def handle(self, *args: object, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            passphrase = settings.BACKUP_PASSPHRASE if options["encrypt"] else ""
            if options["encrypt"] and not passphrase:
                raise CommandError(
                    _(
                        "--encrypt needs a passphrase: put it in the environment variable "
                        "PREGON_BACKUP_PASSPHRASE (or the file named by "
                        "PREGON_BACKUP_PASSPHRASE_FILE) and run the command again."
                    )
                )
            try:
                path = backup(options["output"] or default_folder(), passphrase)
            except (DatabaseToolError, OSError) as error:
                raise CommandError(_("No backup was made: %(error)s") % {"error": error}) from None
        self.stdout.write(str(path))
