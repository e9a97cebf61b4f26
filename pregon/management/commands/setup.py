from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from pregon.accounts.models import Role, User


class Command(BaseCommand):
    help = "Prepare this install: migrate the database and create the first administrator."

    def handle(self, *args: object, **options: object) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database is up to date.")
        if User.objects.exists():
            return
        email = settings.ADMIN_EMAIL
        if email and settings.ADMIN_PASSWORD:
            User.objects.create_user(email, settings.ADMIN_PASSWORD, role=Role.ADMIN)
            self.stdout.write(f"Created the administrator {email}.")
            return
        # No credentials in the environment: create the administrator without a password and
        # print a one-time link (the password-reset token, void once used) to choose one.
        user = User.objects.create_user(email or "admin@localhost", None, role=Role.ADMIN)
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        path = reverse("accounts:password_reset_confirm", args=[uid, token])
        self.stdout.write(
            f"Created the administrator {user.email}. Choose its password once at:\n"
            f"    {settings.SITE_URL}{path}"
        )
