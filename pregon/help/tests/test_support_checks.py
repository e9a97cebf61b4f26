"""pregon.W060: a support address that is no email address is caught at startup."""

from django.core import checks
from django.test import SimpleTestCase, override_settings


class SupportEmailCheckTestCase(SimpleTestCase):
    def ids(self) -> list[str]:
        return [message.id for message in checks.run_checks(tags=["pregon"])]

    def test_a_wrong_address_is_warned_about(self) -> None:
        with override_settings(SUPPORT_EMAIL="mesa de ayuda"):
            self.assertIn("pregon.W060", self.ids())

    def test_an_address_or_none_is_fine(self) -> None:
        for value in ("", "mesadeayuda@capacitacion.gob.pe"):
            with override_settings(SUPPORT_EMAIL=value):
                self.assertNotIn("pregon.W060", self.ids())
