import re
from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings

from pregon.accounts.models import Role, User

NEW_PASSWORD = "a new and long passphrase"


class SetupCommandTestCase(TestCase):
    """Not a BaseTestCase: `pregon setup` only creates an administrator in an empty database."""

    def setUp(self) -> None:
        self.client.cookies["pregon_language"] = "en"

    def run_setup(self) -> str:
        out = StringIO()
        call_command("setup", stdout=out)
        return out.getvalue()

    @override_settings(ADMIN_EMAIL="jefa@agencia.gob.pe", ADMIN_PASSWORD=NEW_PASSWORD)
    def test_it_creates_the_administrator_from_the_environment(self) -> None:
        output = self.run_setup()
        self.assertIn("Created the administrator jefa@agencia.gob.pe.", output)
        admin = User.objects.get()
        self.assertEqual(admin.role, Role.ADMIN)
        login = {"email": "jefa@agencia.gob.pe", "password": NEW_PASSWORD}
        response = self.client.post("/cuenta/entrar/", login)
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    @override_settings(ADMIN_EMAIL="", ADMIN_PASSWORD="")
    def test_without_credentials_it_prints_a_one_time_link(self) -> None:
        output = self.run_setup()
        link = re.search(r"http://127\.0\.0\.1:8000(/cuenta/restablecer/\S+/)", output)[1]
        admin = User.objects.get()
        self.assertFalse(admin.has_usable_password())

        response = self.client.get(link, follow=True)
        self.assertContains(response, "Choose a password")
        data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        response = self.client.post(response.redirect_chain[-1][0], data)
        self.assertRedirects(response, "/cuenta/contrasena/lista/")
        login = {"email": admin.email, "password": NEW_PASSWORD}
        response = self.client.post("/cuenta/entrar/", login)
        self.assertRedirects(response, "/", fetch_redirect_response=False)

        # The link is void once used.
        response = self.client.get(link, follow=True)
        self.assertContains(response, "does not work any more")

    @override_settings(ADMIN_EMAIL="jefa@agencia.gob.pe", ADMIN_PASSWORD=NEW_PASSWORD)
    def test_it_does_nothing_when_users_exist(self) -> None:
        User.objects.create_user("otra@agencia.gob.pe", NEW_PASSWORD)
        output = self.run_setup()
        self.assertNotIn("Created", output)
        self.assertEqual(User.objects.count(), 1)
