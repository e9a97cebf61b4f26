"""``pregon export-all [--output DIR]``: the whole account in open formats, for the end of the
contract (see pregon.operations.export_all); prints the zip file's path."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from pregon.operations.export_all import default_folder, export_all


class Command(BaseCommand):
    help = "Export every contact, list, template, campaign result, event and the audit log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="Folder to write the zip file in.")

    def handle(self, *args: object, **options: Any) -> None:
        # Column names, statuses and the README in the install's language (Spanish).
        with translation.override(settings.LANGUAGE_CODE):
            try:
                path = export_all(options["output"] or default_folder())
            except OSError as error:
                raise CommandError(
                    _("The export was not written: %(error)s") % {"error": error}
                ) from None
        self.stdout.write(str(path))
