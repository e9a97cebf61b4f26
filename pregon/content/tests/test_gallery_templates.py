import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile

from pregon.content import gallery
from pregon.content.assets import store_image
from pregon.content.models import BrandKit
from pregon.content.preflight import ERROR, GMAIL_CLIP_BYTES, preflight
from pregon.content.preview import gallery_images_url
from pregon.content.render import compile_source
from pregon.testing import BaseTestCase
from pregon.testing.images import png

IMAGES_FOLDER = Path(gallery.__file__).resolve().parent.parent / "static/content/gallery"
ABSOLUTE_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        elif tag == "img":
            self.images.append(dict(attrs))


class GalleryTemplatesTestCase(BaseTestCase):
    """Every design of the gallery, as a user starts from it, is ready to send."""

    def setUp(self) -> None:
        super().setUp()
        self.use_temporary_media()
        self.images = gallery_images_url()
        self.keys = [entry.key for entry in gallery.GALLERY] + ["blank"]

    def compile(self, key: str, brand: dict[str, str]) -> tuple[str, str]:
        compiled = compile_source(True, gallery.instantiate(key, brand, self.images), [])
        return compiled.html, compiled.text

    def assert_sendable(self, brand: dict[str, str]) -> None:
        for key in self.keys:
            with self.subTest(key=key, brand=brand["name"]):
                html, text = self.compile(key, brand)
                errors = [check for check in preflight(html, text) if check.level == ERROR]
                self.assertEqual(errors, [])
                self.assertLess(len(html.encode()), GMAIL_CLIP_BYTES)
                elements = _Elements()
                elements.feed(html)
                for image in elements.images:
                    self.assertTrue((image.get("alt") or "").strip(), image)
                    self.assertRegex(image.get("src") or "", ABSOLUTE_URL)
                self.assertIn("{{ enlace_baja }}", elements.hrefs)
                self.assertIn("{{ ver_en_navegador }}", elements.hrefs)
                for href in elements.hrefs:
                    if href not in ("{{ enlace_baja }}", "{{ ver_en_navegador }}"):
                        self.assertRegex(href, ABSOLUTE_URL)
                        self.assertNotIn("//", urlsplit(href).path, href)

    def test_they_are_sendable_with_the_default_brand(self) -> None:
        self.assert_sendable(BrandKit.load().as_context())

    def test_they_are_sendable_with_a_logo_and_dark_colours(self) -> None:
        brand = BrandKit.load()
        brand.name = "Capacitación & Desarrollo <Perú>"
        brand.logo = store_image(SimpleUploadedFile("logo.png", png(360, 120)))
        brand.primary_color = "#0b0b0b"
        brand.accent_color = "#ffe000"
        brand.text_color = "#222222"
        brand.background_color = "#1a1a2e"
        brand.address = "Av. Arequipa 1234\nLima"
        brand.website_url = "https://capacitacion.example.pe/"  # As people type it.
        brand.save()
        self.assert_sendable(brand.as_context())
        html, _text = self.compile("curso", brand.as_context())
        elements = _Elements()
        elements.feed(html)
        self.assertEqual(elements.images[0]["alt"], "Capacitación & Desarrollo <Perú>")
        self.assertEqual(elements.images[0]["src"], brand.logo.url)
        self.assertIn("https://capacitacion.example.pe/cursos/ley-32069", elements.hrefs)

    def test_their_images_are_in_the_gallery_folder(self) -> None:
        referenced = set()
        for key in self.keys:
            html, _text = self.compile(key, BrandKit.load().as_context())
            for name in re.findall(re.escape(self.images) + r"/([^\s\"'()<>]+)", html):
                with self.subTest(key=key, image=name):
                    self.assertTrue((IMAGES_FOLDER / name).is_file())
                referenced.add(name)
        self.assertTrue(referenced)

    def test_the_merge_tags_are_left_for_sending(self) -> None:
        for key in self.keys:
            with self.subTest(key):
                source = gallery.instantiate(key, BrandKit.load().as_context(), self.images)
                self.assertNotRegex(source, r"\[\[|\[%|\[#")
                self.assertIn("{{ enlace_baja }}", source)

    def test_their_preheader_is_fully_hidden_without_white_text(self) -> None:
        """White-on-white text fires SpamAssassin's HTML_FONT_LOW_CONTRAST on every message."""
        for key in self.keys:
            with self.subTest(key):
                html, text = self.compile(key, BrandKit.load().as_context())
                hidden = _HiddenElements()
                hidden.feed(html)
                preview = re.search(r"<mj-preview>(.*?)</mj-preview>", self.source(key))[1]
                self.assertEqual(hidden.texts, [preview])
                for style in hidden.styles:
                    self.assertIn("mso-hide:all", style)
                    self.assertIn("opacity:0", style)
                    self.assertNotRegex(style, r"(^|;)\s*color\s*:")
                self.assertNotIn(preview, text)

    def source(self, key: str) -> str:
        return gallery.instantiate(key, BrandKit.load().as_context(), self.images)


class _HiddenElements(HTMLParser):
    """The style and text of each element hidden with display:none."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.styles: list[str] = []
        self.texts: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        style = dict(attrs).get("style") or ""
        if self.depth:
            self.depth += 1
        elif re.search(r"display\s*:\s*none", style):
            self.styles.append(style)
            self.texts.append("")
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        self.depth = max(self.depth - 1, 0)

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.texts[-1] += data
