"""``pregon tutorials [slug ...] [--scripts DIR]`` (``make tutorials``): build the video
tutorials from their scripts in a fresh demo instance; see pregon/help/tutorials/build.py."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from pregon.help.tutorials import build, script, voice


class Command(BaseCommand):
    help = (
        "Build the video tutorials (all, or those named) in a fresh instance with the demo's "
        "data: Chromium plays each script, espeak-ng (or a recording) narrates, ffmpeg encodes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="the tutorials to build (default: all)")
        parser.add_argument(
            "--scripts", type=Path, default=script.FOLDER, help="the folder of the scripts"
        )
        parser.add_argument(
            "--recordings",
            type=Path,
            default=voice.RECORDINGS,
            help="the folder of recorded narrations: <slug>/<NN>.wav replaces step NN's voice",
        )

    def handle(
        self, *args: object, slugs: list[str], scripts: Path, recordings: Path, **options: object
    ) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            tutorials = self.tutorials(scripts, slugs)
            failures = build.build_all(tutorials, self.stdout.write, recordings)
            if failures:
                self.stderr.write(
                    _("%(count)d of %(total)d tutorials could not be built:")
                    % {"count": len(failures), "total": len(tutorials)}
                )
                for failure in failures:
                    self.stderr.write(f"- {failure}")
                sys.exit(1)

    def tutorials(self, folder: Path, slugs: list[str]) -> list[script.Tutorial]:
        try:
            found = sorted(
                (script.load(path) for path in folder.glob("*.toml")), key=lambda t: t.order
            )
        except script.ScriptError as error:
            raise CommandError(str(error)) from None
        unknown = set(slugs) - {tutorial.slug for tutorial in found}
        if unknown:
            raise CommandError(
                _("No tutorial script named %(slugs)s in %(folder)s.")
                % {"slugs": ", ".join(sorted(unknown)), "folder": folder}
            )
        if not found:
            raise CommandError(_("There is no tutorial script in %(folder)s.") % {"folder": folder})
        return [tutorial for tutorial in found if not slugs or tutorial.slug in slugs]
