from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pregon.accounts import audit
from pregon.accounts.models import ApiToken, AuditAction, User


class Command(BaseCommand):
    help = "Create or revoke a user's API token (`token create --email X`, `token revoke …`)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token and print it (only once).")
        create.add_argument("--email", required=True)
        create.add_argument("--name", default="Command line")
        revoke = actions.add_parser("revoke", help="Revoke the user's active tokens of that name.")
        revoke.add_argument("--email", required=True)
        revoke.add_argument("--name", required=True)

    def handle(self, *args: object, action: str, email: str, name: str, **options: object) -> None:
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user has the email address {email}.")
        if action == "create":
            with transaction.atomic():
                token, raw = ApiToken.issue(user, name)
                audit.record(None, AuditAction.TOKEN_CREATED, token.name, actor=user, via="command")
            # The raw token alone on stdout, so scripts can capture it; it is never shown again.
            self.stdout.write(raw)
            return
        tokens = list(ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True))
        if not tokens:
            raise CommandError(f"{user.email} has no active token named {name!r}.")
        with transaction.atomic():
            for token in tokens:
                token.revoke()
                audit.record(None, AuditAction.TOKEN_REVOKED, token.name, actor=user, via="command")
        self.stdout.write(f"Revoked {len(tokens)} token(s) named {name!r} of {user.email}.")
