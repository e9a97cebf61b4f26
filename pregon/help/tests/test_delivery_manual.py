"""The user manual as one PDF (/ayuda/manual.pdf): every signed-in role downloads it, with
its contents, every page of the manual, its screenshots and its tables."""

import re
import tempfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from pregon.help import manual
from pregon.help.delivery.document import plain
from pregon.testing import BaseTestCase
from pregon.testing.pdf import read

README = """# Manual

1. [Primeros pasos](primeros.md)
2. [Campañas \u203a Calendario](campanas.md)
"""
FIRST = """# Primeros pasos

Pregón se usa desde el navegador. Vea [las campañas](campanas.md#programar).

![La pantalla de inicio](../screenshots/login.png)

## Los roles

| Rol | Qué puede hacer |
|---|---|
| **Administrador** | Todo, con `código` incluido. |
| Analista | Leer los informes. |
"""
SECOND = """# Campañas

## Programar

1. Elija la fecha.
2. Haga clic en **Programar** → listo.

![Una captura que no existe](../screenshots/no-existe.png)
"""


BOOKMARK = re.compile(rb"/Title (?:\(((?:\\.|[^\\)])*)\)|<([0-9a-fA-F]+)>)")


class ManualPdfTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        var = tempfile.TemporaryDirectory()
        self.addCleanup(var.cleanup)
        self.enterContext(override_settings(VAR_DIR=Path(var.name)))
        self.addCleanup(manual.pages.cache_clear)

    def use_small_manual(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        root = Path(folder.name)
        for name, text in (("README", README), ("primeros", FIRST), ("campanas", SECOND)):
            (root / f"{name}.md").write_text(text, encoding="utf-8")
        self.enterContext(mock.patch.object(manual, "FOLDER", root))
        manual.pages.cache_clear()

    def download(self) -> bytes:
        response = self.client.get(reverse("help:manual_pdf"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn('attachment; filename="manual-pregon.pdf"', response["Content-Disposition"])
        return b"".join(response.streaming_content)

    def test_anonymous_visitors_must_log_in(self) -> None:
        response = self.client.get(reverse("help:manual_pdf"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_analysts_get_the_manual_with_contents_screenshots_and_tables(self) -> None:
        self.use_small_manual()
        self.client.force_login(self.charlie)
        data = self.download()
        document = read(data)
        text = document.text
        self.assertIn("Contents", text)
        # The contents come before the pages, each title with the page it starts on.
        self.assertLess(text.index("1. Primeros pasos"), text.index("Pregón se usa"))
        self.assertIn("2. Campañas » Calendario", text)
        self.assertIn("Los roles", text)
        self.assertIn("Administrador", text)
        self.assertIn("Leer los informes.", text)
        self.assertIn("las campañas", text)
        self.assertIn("Programar -> listo", re.sub(r"\s+", " ", text))
        self.assertIn("[Screenshot missing: no-existe.png]", text)
        # The screenshot is in the PDF as a picture, and the pages are bookmarks.
        self.assertEqual(data.count(b"/Subtype /Image"), 1)
        self.assertIn(b"/Outlines", data)
        self.assertNotIn(b"campanas.md", data)
        self.assertGreaterEqual(document.pages, 4)

    def test_it_is_drawn_once_for_each_version_of_the_manual(self) -> None:
        self.use_small_manual()
        self.client.force_login(self.bob)
        first = self.download()
        self.assertEqual(self.download(), first)
        (manual.FOLDER / "campanas.md").write_text(SECOND + "\nUna línea nueva.\n", "utf-8")
        self.assertIn("Una línea nueva.", read(self.download()).text)
        self.assertEqual(len(list((settings.VAR_DIR / "manual-pdf").iterdir())), 1)

    def test_every_page_of_the_real_manual_is_a_bookmark_of_it(self) -> None:
        self.use_spanish()
        self.client.force_login(self.alice)
        data = self.download()
        titles = bookmarks(data)
        for page in manual.pages():
            with self.subTest(page.slug):
                self.assertIn(plain(page.title), titles)
        self.assertGreater(data.count(b"/Type /Page\n"), len(manual.pages()))
        self.assertGreater(data.count(b"/Subtype /Image"), 50)


def bookmarks(data: bytes) -> list[str]:
    """The titles of the PDF's outline: (Latin-1) or <UTF-16 in hex>."""
    titles = []
    for literal, hexadecimal in BOOKMARK.findall(data):
        if hexadecimal:
            titles.append(bytes.fromhex(hexadecimal.decode()).decode("utf-16"))
        else:
            titles.append(re.sub(rb"\\(.)", rb"\1", literal).decode("latin-1"))
    return titles
