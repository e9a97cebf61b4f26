import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
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
        self.assertIn("Se creó el administrador jefa@agencia.gob.pe.", output)
        admin = User.objects.get()
        self.assertEqual(admin.role, Role.ADMIN)
        login = {"email": "jefa@agencia.gob.pe", "password": NEW_PASSWORD}
        response = self.client.post("/cuenta/entrar/", login)
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    @override_settings(ADMIN_EMAIL="jefa@agencia.gob.pe", ADMIN_PASSWORD="")
    def test_without_a_password_it_prints_a_one_time_link(self) -> None:
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
        self.assertNotIn("Se creó", output)
        self.assertEqual(User.objects.count(), 1)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="sets up a fresh embedded (SQLite) install",
)
class TestSetupInATerminal:
    """`pregon setup` as `make run` runs it: a process of its own, on an empty var dir."""

    def run_setup(
        self, tmp_path: Path, stdin: int | None = None, **env: str
    ) -> subprocess.CompletedProcess:
        environment = dict(os.environ)
        for name in ("PREGON_DATABASE_URL", "PREGON_ADMIN_PASSWORD", "LANGUAGE", "LC_ALL"):
            environment.pop(name, None)
        environment.update({"PREGON_VAR_DIR": str(tmp_path), "PREGON_ADMIN_EMAIL": "", **env})
        return subprocess.run(
            [sys.executable, "-m", "pregon", "setup"],
            env=environment,
            stdin=stdin if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def test_it_refuses_a_placeholder_address_then_takes_a_typed_one(self, tmp_path: Path) -> None:
        refused = self.run_setup(tmp_path, PREGON_ADMIN_EMAIL="admin@localhost")
        assert refused.returncode == 1
        assert refused.stdout == "La base de datos está al día.\n"
        assert refused.stderr == (
            "PREGON_ADMIN_EMAIL: “admin@localhost” no puede recibir correo: su dominio es solo "
            "un ejemplo. Escriba su correo institucional, como nombre@entidad.gob.pe.\n"
        )

        # Not in a terminal, and nothing in the environment: it says what to set.
        missing = self.run_setup(tmp_path)
        assert missing.returncode == 1
        assert "Defina PREGON_ADMIN_EMAIL" in missing.stderr

        # In a terminal it asks, explains a refusal, and asks again.
        terminal, keyboard = os.openpty()
        os.write(terminal, b"admin@example.org\nJefa@Agencia.gob.pe\n")
        try:
            typed = self.run_setup(tmp_path, stdin=keyboard)
        finally:
            os.close(terminal)
            os.close(keyboard)
        assert typed.returncode == 0, typed.stderr
        assert "escriba su correo institucional" in typed.stdout.lower()
        assert "“admin@example.org” no puede recibir correo" in typed.stdout
        assert "Se creó el administrador jefa@agencia.gob.pe. Elija su contraseña" in typed.stdout
        assert re.search(r"http://\S+/cuenta/restablecer/\S+/", typed.stdout)

    def test_it_takes_a_real_address_from_the_environment_and_speaks_spanish(
        self, tmp_path: Path
    ) -> None:
        done = self.run_setup(
            tmp_path,
            PREGON_ADMIN_EMAIL="capacitacion@entidad.gob.pe",
            PREGON_ADMIN_PASSWORD="a long enough password",
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout == (
            "La base de datos está al día.\nSe creó el administrador capacitacion@entidad.gob.pe.\n"
        )
