"""The screens with wide tables, at a laptop's 1366 by 768 pixels with long data in every column:
the page never scrolls sideways (a table scrolls inside its own box, or its cells wrap)."""

import pytest

from pregon.accounts import audit
from pregon.accounts.models import AuditAction, Role, User
from pregon.campaigns.models import Campaign
from pregon.contacts.models import Import, MailingList, Suppression, SuppressionReason
from pregon.sending.models import Backend, BackendKind, SenderIdentity
from pregon.testing.browser import PASSWORD, BrowserTestCase

ADMIN = "admin@example.pe"
LONG_NAME = "Dirección Nacional de Capacitación y Fortalecimiento de Competencias " * 2
LONG_LOCAL = "coordinacion.de.capacitacion.descentralizada.y.fortalecimiento"
LONG_DOMAIN = "direccion-nacional-de-capacitacion-institucional.entidad.gob.pe"
LONG_EMAIL = f"{LONG_LOCAL}@{LONG_DOMAIN}"
LONG_WORD = "Programa_de_Fortalecimiento_de_Capacidades_en_Contrataciones_Públicas_2026"
PAGES = [
    "/envio/remitentes/",
    "/envio/servidores/",
    "/cuenta/auditoria/",
    "/contactos/supresion/",
    "/campanas/",
    "/contactos/importar/",
    "/cuenta/usuarios/",
    "/cuenta/tokens/",
]

TABLES_WIDER_THAN_THEIR_BOX = """
[...document.querySelectorAll('.table-responsive')]
  .filter((box) => box.scrollWidth > box.clientWidth + 1)
  .map((box) => box.scrollWidth + ' > ' + box.clientWidth)
"""


@pytest.mark.browser
class WideTablesBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.admin = User.objects.create_user(ADMIN, PASSWORD, role=Role.ADMIN, name=LONG_NAME)
        User.objects.create_user(LONG_EMAIL, PASSWORD, role=Role.EDITOR, name=LONG_NAME)
        sender = SenderIdentity.objects.create(
            from_name=LONG_NAME[:100], from_email=LONG_EMAIL, reply_to=LONG_EMAIL
        )
        Backend.objects.create(
            name=LONG_NAME[:100], kind=BackendKind.SMTP, host=LONG_DOMAIN, username=LONG_EMAIL
        )
        Suppression.objects.create(
            email=LONG_EMAIL, reason=SuppressionReason.MANUAL, note=(LONG_WORD + " ") * 3
        )
        Campaign.objects.create(name=LONG_NAME[:150], subject=LONG_WORD * 3, sender=sender)
        Import.objects.create(
            created_by=self.admin,
            original_name=f"{LONG_WORD}.csv",
            file_format="csv",
            mailing_list=MailingList.objects.create(name=LONG_WORD),
        )
        audit.record(
            None,
            AuditAction.IMPORT,
            f"{LONG_WORD}.csv",
            actor=self.admin,
            list=LONG_WORD,
            columns={f"{LONG_WORD}_{n}": f"field:{LONG_WORD}" for n in range(3)},
        )

    def test_wide_tables_fit_a_laptop_screen(self) -> None:
        base = self.live_server_url
        with self.signed_in(ADMIN, width=1366, height=768) as (page, problems):
            for url in PAGES:
                page.goto(f"{base}{url}")
                width = page.evaluate("document.documentElement.scrollWidth")
                self.assertLessEqual(width, 1366, url)
                self.assertTrue(page.locator("table").first.is_visible(), url)
                # A table wider than its box would hide its last columns behind a scrollbar.
                overflowing = page.evaluate(TABLES_WIDER_THAN_THEIR_BOX)
                self.assertEqual(overflowing, [], url)
            self.assertEqual(problems, [])
