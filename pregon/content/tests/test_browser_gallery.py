"""The gallery in real Chromium: every design fits a phone without sideways scrolling.

Saves a screenshot of each design at phone and desktop widths for the manual
(docs/screenshots/gallery-<key>-phone.png, -desktop.png), and the gallery's own preview
images (pregon/content/static/content/gallery/previews/<key>.png), so that what the gallery
shows is always what the templates look like.
"""

import io
from pathlib import Path

import pytest
from django.test import override_settings
from PIL import Image

from pregon.accounts.models import Role, User
from pregon.content.gallery import GALLERY
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    chromium_page,
    fits_width,
    login,
    screenshot,
)

EDITOR = "editora@example.pe"
PREVIEWS = Path(__file__).resolve().parent.parent / "static" / "content" / "gallery" / "previews"
# The preview images: the top of the message, 600 px of email plus its margins, at 3:4.
PREVIEW_VIEWPORT = {"width": 640, "height": 853}
PREVIEW_WIDTH = 320


def save_preview(png: bytes, key: str) -> None:
    PREVIEWS.mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.resize((PREVIEW_WIDTH, round(image.height * PREVIEW_WIDTH / image.width)))
    image.quantize(colors=128).save(PREVIEWS / f"{key}.png", optimize=True)


@pytest.mark.browser
class GalleryBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Messages point at their images through the site's address: here, the live server.
        self.enterContext(override_settings(SITE_URL=self.live_server_url))
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Rosa Editora")

    def preview_url(self, key: str) -> str:
        return f"{self.live_server_url}/plantillas/galeria/{key}/vista-previa/"

    def test_every_design_fits_a_phone(self) -> None:
        with self.signed_in(EDITOR, width=375, height=812) as (page, problems):
            for entry in GALLERY:
                with self.subTest(entry.key):
                    page.goto(self.preview_url(entry.key))
                    broken = page.evaluate(
                        "[...document.images].filter(i => !i.naturalWidth).map(i => i.src)"
                    )
                    self.assertEqual(broken, [])
                    self.assertTrue(fits_width(page), f"{entry.key} scrolls sideways")
                    screenshot(page, f"gallery-{entry.key}-phone")
            self.assertEqual(problems, [])

    def test_desktop_screenshots_and_preview_images(self) -> None:
        with chromium_page(**PREVIEW_VIEWPORT) as page:
            login(page, self.live_server_url, EDITOR)
            for entry in GALLERY:
                page.goto(self.preview_url(entry.key))
                save_preview(page.screenshot(), entry.key)
        with self.signed_in(EDITOR, width=1280, height=900) as (page, problems):
            for entry in GALLERY:
                page.goto(self.preview_url(entry.key))
                screenshot(page, f"gallery-{entry.key}-desktop")
            # An empty brand kit is asked for first; this person goes on without it.
            page.goto(f"{self.live_server_url}/plantillas/galeria/")
            screenshot(page, "brand-first")
            page.click("#brand-skip")
            self.assertEqual(page.locator("[data-gallery] img").count(), len(GALLERY))
            screenshot(page, "gallery")
            self.assertEqual(problems, [])
