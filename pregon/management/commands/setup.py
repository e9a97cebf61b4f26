"""``pregon setup`` (``make run`` calls it): migrate, and create the first administrator.

The administrator's address must be one that receives mail: password resets, the test
sends it is offered first and the platform's own notices go there. It comes from
``PREGON_ADMIN_EMAIL``, or is asked for when setup runs in a terminal; an address that
cannot receive mail (``admin@localhost``, ``@example.org``) is refused with the reason.
"""

import sys
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from pregon.accounts.models import Role, User
from pregon.contacts.normalize import normalize_email

# Names that never receive mail from the internet (RFC 2606, RFC 6761): an address there
# is a placeholder, not the administrator's.
PLACEHOLDER_LABELS = {"localhost", "example"}
RESERVED_TOP_LEVEL = {"localhost", "example", "invalid", "test", "local"}


def deliverable_email(value: str) -> str:
    """``value`` normalised, or ValueError saying why no mail would reach it."""
    labels = value.strip().lower().rpartition("@")[2].split(".")
    if PLACEHOLDER_LABELS.intersection(labels) or labels[-1] in RESERVED_TOP_LEVEL:
        raise ValueError(
            _(
                "“%(email)s” cannot receive mail: its domain is only an example. "
                "Write your institutional email, such as nombre@entidad.gob.pe."
            )
            % {"email": value.strip()}
        )
    return normalize_email(value)


class SetupError(Exception):
    """Why the first administrator cannot be created; setup prints it and exits with 1."""


class Command(BaseCommand):
    help = "Prepare this install: migrate the database and create the first administrator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Never ask: take the administrator's address from PREGON_ADMIN_EMAIL.",
        )

    def handle(self, *args: object, **options: Any) -> None:
        # Whatever the shell's locale, setup speaks the install's language (Spanish).
        with translation.override(settings.LANGUAGE_CODE):
            self.stdin: TextIO = options.get("stdin", sys.stdin)
            try:
                self.prepare(interactive=options["interactive"] and self.stdin.isatty())
            except SetupError as error:
                self.stderr.write(str(error))
                sys.exit(1)

    def prepare(self, interactive: bool) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(_("The database is up to date."))
        if User.objects.exists():
            return
        email = self.admin_email(interactive)
        if settings.ADMIN_PASSWORD:
            User.objects.create_user(email, settings.ADMIN_PASSWORD, role=Role.ADMIN)
            self.stdout.write(_("Created the administrator %(email)s.") % {"email": email})
            return
        # No password in the environment: create the administrator without one and print a
        # one-time link (the password-reset token, void once used) to choose it.
        user = User.objects.create_user(email, None, role=Role.ADMIN)
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        path = reverse("accounts:password_reset_confirm", args=[uid, token])
        self.stdout.write(
            _("Created the administrator %(email)s. Choose its password once at:")
            % {"email": email}
        )
        self.stdout.write(f"    {settings.SITE_URL}{path}")

    def admin_email(self, interactive: bool) -> str:
        """The first administrator's address: from the environment, or typed in."""
        if settings.ADMIN_EMAIL:
            try:
                return deliverable_email(settings.ADMIN_EMAIL)
            except ValueError as error:
                raise SetupError(_("PREGON_ADMIN_EMAIL: %(reason)s") % {"reason": error}) from None
        if not interactive:
            raise SetupError(
                _(
                    "Set PREGON_ADMIN_EMAIL to the administrator's real email address "
                    "(for example: PREGON_ADMIN_EMAIL=nombre@entidad.gob.pe make run), or run "
                    "“pregon setup” in a terminal to type it."
                )
            )
        return self.ask_email()

    def ask_email(self) -> str:
        self.stdout.write(
            _(
                "Pregón needs the administrator's email address: it receives the password "
                "link and the first test sends. Write your institutional email."
            )
        )
        while True:
            self.stdout.write(_("Administrator's email: "), ending="")
            self.stdout.flush()
            line = self.stdin.readline()
            if not line:
                raise SetupError(_("No address was given; nothing was created."))
            try:
                return deliverable_email(line)
            except ValueError as error:
                self.stdout.write(str(error))
