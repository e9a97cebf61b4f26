"""The template screens in real Chromium: start from a gallery design, change a text in the
visual editor, save, and see the change in the preview; the code editor shows an error at
its line; the image library takes an upload; the screens fit a phone.

Saves the screenshots the manual shows (docs/screenshots/template-*.png and others).
"""

import io
import re
from typing import Any

import pytest
from django.test import override_settings
from PIL import Image

from pregon.accounts.models import Role, User
from pregon.contacts.models import Contact
from pregon.content.models import Asset, BrandKit, EmailTemplate
from pregon.testing.browser import (
    PASSWORD,
    BrowserTestCase,
    fits_width,
    screenshot,
)

EDITOR = "editora@example.pe"
NEW_TEXT = "Inscripciones hasta el viernes."
UUID = r"[0-9a-f-]{36}"


def open_course_design(page: Any, base: str) -> None:
    """Start a template from the gallery's course design: it opens in the visual editor."""
    page.goto(f"{base}/plantillas/galeria/")
    page.click("[data-gallery=curso] button[type=submit]")
    page.wait_for_url(re.compile(rf"/plantillas/{UUID}/editor/$"))


def banner_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 500), "#1d4e89").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.browser
class EditorsBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(override_settings(SITE_URL=self.live_server_url))
        User.objects.create_user(EDITOR, PASSWORD, role=Role.EDITOR, name="Rosa Editora")
        Contact.objects.create(email="lucia@example.pe", first_name="Lucía", last_name="Ramos")
        # The gallery asks for an empty brand kit first (see test_gallery_index), and the
        # checks warn of designs whose links lead to Pregón itself, as they do without one.
        BrandKit.objects.create(
            pk=1, name="Escuela de Capacitación", website_url="https://capacitacion.gob.pe"
        )
        self.addCleanup(lambda: [asset.file.delete(save=False) for asset in Asset.objects.all()])

    def test_edit_a_gallery_design_and_preview_it(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            open_course_design(page, base)
            template = EmailTemplate.objects.get()

            canvas = page.frame_locator("#visual-editor iframe.gjs-frame")
            paragraph = canvas.locator('[data-gjs-type="mj-text"]', has_text="La nueva Ley")
            expect(paragraph).to_be_visible(timeout=20_000)
            paragraph.dblclick()
            expect(canvas.locator('[contenteditable="true"]')).to_be_focused()
            page.keyboard.press("Control+End")
            page.keyboard.type(f" {NEW_TEXT}")
            with page.expect_response("**/guardar/") as saved:
                page.click("#editor-save")
            self.assertEqual(saved.value.status, 200, saved.value.text())
            expect(page.locator("#editor-status")).to_have_text("Guardado")
            screenshot(page, "template-visual-editor", full_page=False)

            template.refresh_from_db()
            self.assertIn(NEW_TEXT, template.source)
            self.assertIn(NEW_TEXT, template.text)
            self.assertGreater(template.source.count("\n"), 50)  # Laid out, not one line.
            # What the visual editor does not show survives it: the head and the merge tags.
            self.assertIn("Arial, Helvetica, sans-serif", template.html)
            self.assertIn("{{ enlace_baja }}", template.html)
            self.assertTrue(template.is_ready)

            page.click("text=Vista previa y comprobaciones")
            preview = page.frame_locator("#preview-frame")
            expect(preview.locator("body")).to_contain_text(NEW_TEXT)
            expect(preview.locator("body")).to_contain_text("Hola, María")
            page.fill("#preview-contact", "lucia@example.pe")
            page.click("#preview-contact ~ button")
            expect(preview.locator("body")).to_contain_text("Hola, Lucía")
            expect(page.locator("[data-checks-ok]")).to_be_visible()
            screenshot(page, "template-detail")
            page.click("[data-width='375px']")
            # A property, not wait_for_function: the page's policy forbids evaluating strings.
            expect(page.locator("#preview-frame")).to_have_js_property("offsetWidth", 375)
            screenshot(page, "template-detail-phone-width")

            page.goto(f"{base}/plantillas/{template.code}/codigo/")
            expect(page.locator(".CodeMirror")).to_be_visible()
            page.evaluate(
                "const cm = document.querySelector('.CodeMirror').CodeMirror;"
                "cm.replaceRange('{{ apodo }}\\n', {line: 3, ch: 0}); cm.focus();"
            )
            marker = page.locator(".CodeMirror-lint-marker-error, .CodeMirror-lint-marker")
            expect(marker.first).to_be_visible(timeout=10_000)
            screenshot(page, "template-code-editor", full_page=False)
            page.keyboard.press("Control+s")
            expect(page.locator("[data-problems]")).to_contain_text("Línea 4")
            template.refresh_from_db()
            self.assertNotIn("apodo", template.source)

            # A 403 or a 422 above would be a broken screen, but the refused save is the test.
            problems = [p for p in problems if "422" not in p]
            self.assertEqual(problems, [])

    def test_the_blocks_are_named_and_filled_in_spanish(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            open_course_design(page, base)
            page.locator(".gjs-pn-btn.fa-th-large").click()
            labels = page.locator(".gjs-block-label")
            expect(labels.filter(has_text="Banner con fondo")).to_have_count(1)
            expect(labels.filter(has_text="Código HTML")).to_have_count(1)
            names = [name.strip() for name in labels.all_inner_texts()]
            self.assertIn("Texto", names)
            for english in ("Hero", "Raw", "Wrapper", "Navbar"):
                self.assertFalse([name for name in names if english in name], names)
            contents = page.evaluate(
                "() => grapesjs.editors[0].Blocks.getAll().map((b) => String(b.get('content')))"
            )
            self.assertIn("<mj-text>Escriba aquí su texto.</mj-text>", contents)
            joined = " ".join(contents)
            for english in ("Insert text here", "GO TO SPACE", "Content 1", "unsplash", "github"):
                self.assertNotIn(english, joined)
            self.assertEqual(problems, [])

    def test_the_style_panel_speaks_spanish(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            open_course_design(page, base)
            canvas = page.frame_locator("#visual-editor iframe.gjs-frame")
            paragraph = canvas.locator('[data-gjs-type="mj-text"]', has_text="La nueva Ley")
            expect(paragraph).to_be_visible(timeout=20_000)
            paragraph.click()
            page.locator(".gjs-pn-btn.fa-paint-brush").click()
            titles = page.locator(".gjs-sm-sector-title")
            expect(titles.first).to_be_visible()
            for title in titles.all():
                title.click()
            panel = page.locator(".gjs-sm-sectors")
            expect(panel.get_by_text("Tipografía")).to_be_visible()
            # What the panel shows: sector and property names, and the options of its lists.
            shown = {line.strip() for line in panel.inner_text().splitlines() if line.strip()}
            for spanish in ("Relleno", "Arriba", "Izquierda", "Negrita", "Estilo de letra"):
                self.assertIn(spanish, shown)
            for english in (
                "Min height",
                "Padding",
                "Top",
                "Left",
                "Bold",
                "Thin",
                "Background color",
                "Font style",
                "Text decoration",
                "Vertical align",
                "Border detached",
                "none",
                "solid",
                "left",
                "center",
            ):
                self.assertNotIn(english, shown)
            self.assertEqual(problems, [])

    def test_the_preview_text_is_edited_beside_the_visual_editor(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            open_course_design(page, base)
            field = page.get_by_label("Texto de vista previa")
            expect(field).to_have_value(re.compile(r"^Inscripciones abiertas: .* Empieza el 7 de"))
            # Not shown in the canvas too, where it would be edited by mistake.
            canvas = page.frame_locator("#visual-editor iframe.gjs-frame")
            expect(canvas.locator('[data-gjs-type="mj-text"]').first).to_be_visible(timeout=20_000)
            expect(canvas.get_by_text("Empieza el 7 de diciembre")).to_be_hidden()

            field.fill('Cupos limitados & gratis, {{ nombre | default("colega") }}')
            with page.expect_response("**/guardar/") as saved:
                page.click("#editor-save")
            self.assertEqual(saved.value.status, 200, saved.value.text())
            expect(page.locator("#editor-status")).to_have_text("Guardado")
            template = EmailTemplate.objects.get()
            preview = 'Cupos limitados &amp; gratis, {{ nombre | default("colega") }}'
            self.assertIn(f"<mj-preview>{preview}</mj-preview>", template.source)
            self.assertIn(f">{preview}</div>", template.html)
            self.assertNotIn("Empieza el 7 de diciembre", template.html)

            page.reload()
            expect(field).to_have_value(
                'Cupos limitados & gratis, {{ nombre | default("colega") }}'
            )
            screenshot(page, "template-visual-editor-preview-text", full_page=False)
            field.fill("")
            page.click("#editor-save")
            expect(page.locator("#editor-status")).to_have_text("Guardado")
            template.refresh_from_db()
            self.assertNotIn("mj-preview", template.source)
            self.assertEqual(problems, [])

    def test_image_library_and_brand_kit(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            page.goto(f"{base}/plantillas/imagenes/")
            page.set_input_files(
                "#asset-file",
                files=[{"name": "banner.png", "mimeType": "image/png", "buffer": banner_png()}],
            )
            page.click("form[enctype] button[type=submit]")
            expect(page.locator("[data-asset] img")).to_have_count(1)
            # Its width once it has loaded (0 if it failed to), not while it is still loading.
            width = page.eval_on_selector(
                "[data-asset] img",
                "i => i.complete ? i.naturalWidth : new Promise(done => {"
                " i.onload = () => done(i.naturalWidth); i.onerror = () => done(0); })",
            )
            self.assertEqual(width, 1200)
            screenshot(page, "image-library")

            page.goto(f"{base}/plantillas/marca/")
            page.fill("#id_name", "Escuela de Contrataciones Públicas")
            page.fill("#id_address", "Av. Gregorio Escobedo 123\nJesús María, Lima")
            page.click("form[enctype] button[type=submit]")
            expect(page.locator(".alert-success")).to_be_visible()
            screenshot(page, "brand-kit")
            self.assertEqual(problems, [])

    def test_template_screens_fit_a_phone(self) -> None:
        base = self.live_server_url
        with self.signed_in(EDITOR, width=375, height=812) as (page, problems):
            for path in ["/plantillas/", "/plantillas/galeria/", "/plantillas/imagenes/"]:
                page.goto(base + path)
                self.assertTrue(fits_width(page), path)
            screenshot(page, "image-library-phone")
            page.goto(f"{base}/plantillas/galeria/")
            page.click("[data-gallery=webinar] button[type=submit]")
            page.wait_for_url(re.compile(rf"/plantillas/{UUID}/editor/$"))
            template = EmailTemplate.objects.get()
            page.goto(f"{base}/plantillas/{template.code}/")
            self.assertTrue(fits_width(page), "template detail")
            screenshot(page, "template-detail-phone")
            self.assertEqual(problems, [])
