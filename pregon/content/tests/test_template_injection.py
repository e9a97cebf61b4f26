"""Template injection through the template screens: every payload is refused when saved, in
Spanish, and nothing is saved; a template saved before the rules is previewed as a refusal,
never a 500."""

from django.urls import reverse

from pregon.content.models import BrandKit, EmailTemplate, Format
from pregon.testing import BaseTestCase
from pregon.testing.injection import NESTED_IFS, NESTED_PARENTHESES, PAYLOADS, html, mjml


class TemplateScreensRefuseInjectionTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        self.use_spanish()
        self.mjml = EmailTemplate(name="Visual", format=Format.MJML)
        self.mjml.set_source(mjml("Hola {{ nombre }}"))
        self.mjml.save()
        self.html = EmailTemplate(name="Código", format=Format.HTML)
        self.html.set_source(html("Hola {{ nombre }}"))
        self.html.save()

    def assertUnchanged(self) -> None:
        for template in (self.mjml, self.html):
            saved = EmailTemplate.objects.get(pk=template.pk)
            self.assertEqual(
                (saved.source, saved.html, saved.text, saved.is_text_custom),
                (template.source, template.html, template.text, template.is_text_custom),
            )

    def test_the_code_editor_refuses_each_payload_in_html_and_mjml(self) -> None:
        for payload, words in PAYLOADS:
            for template, source in ((self.html, html(payload)), (self.mjml, mjml(payload))):
                with self.subTest(payload=payload[:40], format=template.format):
                    url = reverse("content:code", args=[template.code])
                    response = self.client.post(url, {"source": source})
                    self.assertContains(response, words, status_code=422)
        self.assertUnchanged()

    def test_the_visual_editor_refuses_each_payload(self) -> None:
        url = reverse("content:save", args=[self.mjml.code])
        for payload, words in PAYLOADS:
            with self.subTest(payload=payload[:40]):
                response = self.client.post(url, {"source": mjml(payload)})
                self.assertEqual(response.status_code, 422)
                messages = " ".join(error["message"] for error in response.json()["errors"])
                self.assertIn(words, messages)
        self.assertUnchanged()

    def test_the_live_check_names_each_payload(self) -> None:
        url = reverse("content:check", args=[self.html.code])
        for payload, words in PAYLOADS:
            with self.subTest(payload=payload[:40]):
                response = self.client.post(url, {"source": html(payload)})
                messages = " ".join(error["message"] for error in response.json()["errors"])
                self.assertIn(words, messages)

    def test_the_plain_text_screen_refuses_each_payload(self) -> None:
        url = reverse("content:text", args=[self.html.code])
        # Written by hand, the text has no HTML to hide a tag in: the split tag is plain text.
        for payload, words in PAYLOADS[1:]:
            with self.subTest(payload=payload[:40]):
                response = self.client.post(url, {"text": payload})
                self.assertContains(response, words)
        self.assertUnchanged()

    def test_the_html_import_refuses_each_payload(self) -> None:
        for payload, words in PAYLOADS:
            with self.subTest(payload=payload[:40]):
                response = self.client.post(
                    reverse("content:import"), {"name": "Importada", "html": html(payload)}
                )
                self.assertContains(response, words)
        self.assertEqual(EmailTemplate.objects.count(), 2)

    def test_a_tag_split_by_html_names_the_line_of_the_text(self) -> None:
        url = reverse("content:code", args=[self.html.code])
        source = "<html><body><p>Hola</p>\n<p>{<b></b>{ 7*7 }}</p></body></html>"
        response = self.client.post(url, {"source": source})
        self.assertContains(
            response,
            "La versión de texto generada de este HTML, línea 3: aquí solo se pueden usar",
            status_code=422,
        )

    def test_entities_cannot_write_a_merge_tag(self) -> None:
        # The CSS inliner writes &#123; back as "{", so the HTML it gives is refused already.
        url = reverse("content:code", args=[self.html.code])
        response = self.client.post(url, {"source": html("&#123;&#123; email*3 }}")})
        self.assertContains(response, "aquí solo se pueden usar", status_code=422)

    def test_elements_nested_too_deeply_are_refused_before_they_reach_native_code(self) -> None:
        # Some thousands of levels crash the MJML compiler or the CSS inliner (a segmentation
        # fault that takes the web worker down); 150 is refused as surely, without the risk.
        nested = "<div>" * 150 + "x" + "</div>" * 150
        for template, source in (
            (self.html, html(nested)),
            (self.mjml, mjml(nested)),
            (self.mjml, mjml("").replace("<mj-body>", "<mj-body>" + "<mj-wrapper>" * 150)),
        ):
            with self.subTest(format=template.format):
                url = reverse("content:code", args=[template.code])
                response = self.client.post(url, {"source": source})
                self.assertContains(response, "anidados demasiado", status_code=422)
        self.assertUnchanged()

    def test_tens_of_thousands_of_merge_tags_are_refused_before_jinja_reads_them(self) -> None:
        # Jinja took 8 s to parse and compile a 2 MB template of them, at every save.
        url = reverse("content:code", args=[self.html.code])
        response = self.client.post(url, {"source": html("{{ nombre }}" * 1001)})
        self.assertContains(
            response,
            "hay 1002 campos de personalización; un mensaje puede tener 1000 como máximo",
            status_code=422,
        )
        self.assertUnchanged()

    def test_a_hundred_nested_ifs_are_refused_for_their_depth(self) -> None:
        # Python's compiler gives up at 100 nested ifs ("too many levels of indentation").
        url = reverse("content:code", args=[self.html.code])
        nested = "{% if nombre %}" * 100 + "x" + "{% endif %}" * 100
        response = self.client.post(url, {"source": html(nested)})
        self.assertContains(response, "anidados demasiado (más de 40 niveles)", status_code=422)

    def test_merge_tags_written_whole_still_pass(self) -> None:
        url = reverse("content:code", args=[self.html.code])
        source = html('<b>{{ nombre | default("colega") }}</b> {% if apellido %}!{% endif %}')
        response = self.client.post(url, {"source": source})
        self.assertEqual(response.status_code, 302)


class PreviewOfATemplateSavedBeforeTheRulesTestCase(BaseTestCase):
    """Templates written straight to the database, as older versions could save them."""

    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        self.use_spanish()

    def test_it_shows_the_problem_instead_of_running_the_code(self) -> None:
        for payload, _words in [*PAYLOADS[1:], ("{{ 7*7 }}", "")]:
            with self.subTest(payload=payload[:40]):
                template = EmailTemplate.objects.create(
                    name="Antigua", format=Format.HTML, source=payload, html=payload, text=""
                )
                response = self.client.get(reverse("content:preview", args=[template.code]))
                self.assertContains(response, "Este mensaje no se puede enviar", status_code=422)
                self.assertContains(response, "El HTML no se puede enviar", status_code=422)
                self.assertNotContains(response, "49", status_code=422)
                self.assertIn("sandbox", response["Content-Security-Policy"])

    def test_pathological_nesting_is_a_refusal_not_a_500(self) -> None:
        nested_ifs = "{% if nombre %}" * 100 + "x" + "{% endif %}" * 100
        for source in (NESTED_IFS, NESTED_PARENTHESES, nested_ifs):
            with self.subTest(source=source[:40]):
                template = EmailTemplate.objects.create(
                    name="Antigua", format=Format.HTML, source=source, html=source
                )
                response = self.client.get(reverse("content:preview", args=[template.code]))
                self.assertEqual(response.status_code, 422)
                self.assertContains(
                    response,
                    "anidados demasiado" if source != NESTED_IFS else "1000 como máximo",
                    status_code=422,
                )


class BrandKitInjectionTestCase(BaseTestCase):
    """The brand kit is written into every gallery design as text that becomes a template."""

    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        self.use_spanish()

    def test_braces_are_refused_in_the_name_and_the_address(self) -> None:
        data = {
            "primary_color": "#8a1538",
            "accent_color": "#00a19a",
            "text_color": "#222222",
            "background_color": "#fafaf5",
        }
        for field in ("name", "address"):
            with self.subTest(field=field):
                response = self.client.post(
                    reverse("content:brand"), {**data, field: "Escuela {{ 7*7 }}"}
                )
                self.assertContains(response, "No se pueden usar llaves ({{ o {%) aquí")
        self.assertEqual(BrandKit.load().name, "")

    def test_a_brand_kit_saved_before_shows_a_refusal_in_the_gallery_preview(self) -> None:
        BrandKit.objects.update_or_create(pk=1, defaults={"name": "Escuela {{ email*3 }}"})
        response = self.client.get(reverse("content:gallery_preview", args=["curso"]))
        self.assertContains(response, "Este mensaje no se puede enviar", status_code=422)
        self.assertContains(response, "aquí solo se pueden usar", status_code=422)
        self.assertIn("sandbox", response["Content-Security-Policy"])
