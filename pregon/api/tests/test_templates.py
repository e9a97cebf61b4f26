from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Contact, Field, FieldType
from pregon.content.models import BrandKit, EmailTemplate, Format
from pregon.testing.api import ApiTestCase

FOOTER = '<p><a href="{{ enlace_baja }}">Darse de baja</a></p>'
HTML = f"<p>Hola {{{{ nombre }}}}, su DNI es {{{{ dni }}}}.</p>{FOOTER}"
MJML = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hola {{ nombre | default("colega") }}</mj-text>
        <mj-text><a href="{{ enlace_baja }}">Baja</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
UNCLOSED_SECTION = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column><mj-text>Hola</mj-text></mj-column>
  </mj-body>
</mjml>
"""


class TemplatesTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        Field.objects.create(key="dni", label="DNI", type=FieldType.TEXT)
        self.letter = EmailTemplate(name="Carta de bienvenida", format=Format.HTML)
        self.letter.set_source(HTML)
        self.letter.save()

    def test_it_lists_templates_without_their_source(self) -> None:
        other = EmailTemplate(name="Boletín de marzo", format=Format.HTML)
        other.set_source("<p>Sin enlace de baja</p>")
        other.save()
        response = self.call("GET", "/templates")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["count"], 2)
        # Newest change first.
        self.assertEqual(
            [(item["name"], item["is_ready"]) for item in body["items"]],
            [("Boletín de marzo", False), ("Carta de bienvenida", True)],
        )
        self.assertNotIn("source", body["items"][0])
        self.assertNotIn("html", body["items"][0])
        self.assertEqual(body["items"][0]["checks"][0]["code"], "unsubscribe")
        response = self.call("GET", "/templates", {"q": "BIENVENIDA carta"})
        self.assertEqual(
            [item["name"] for item in response.json()["items"]], ["Carta de bienvenida"]
        )
        response = self.call("GET", "/templates", {"q": "abril"})
        self.assertEqual(response.json()["count"], 0)

    def test_it_gets_a_template(self) -> None:
        response = self.call("GET", f"/templates/{self.letter.code}")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["code"], str(self.letter.code))
        self.assertEqual(body["format"], "html")
        self.assertEqual(body["source"], HTML)
        self.assertIn("Hola {{ nombre }}, su DNI es {{ dni }}.", body["html"])
        self.assertIn("Hola {{ nombre }}, su DNI es {{ dni }}.", body["text"])
        self.assertEqual((body["checks"], body["is_ready"]), ([], True))
        self.assertEqual((body["is_text_custom"], body["gallery_key"]), (False, ""))

    def test_it_creates_a_template_from_source(self) -> None:
        response = self.call(
            "POST", "/templates", {"name": "Curso SIAF", "format": "mjml", "source": MJML}
        )
        self.assertEqual(response.status_code, 201, response.content)
        template = EmailTemplate.objects.get(code=response.json()["code"])
        self.assertEqual((template.name, template.format), ("Curso SIAF", Format.MJML))
        self.assertEqual(template.source, MJML)
        self.assertEqual(template.created_by, self.bob)
        self.assertIn('Hola {{ nombre | default("colega") }}', template.html)
        self.assertIn("<table", template.html)
        self.assertEqual(response.json()["html"], template.html)
        self.assertTrue(response.json()["is_ready"])

    def test_it_creates_a_blank_mjml_template(self) -> None:
        response = self.call("POST", "/templates", {})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["name"], body["format"]), ("Untitled message", "mjml"))
        self.assertTrue(body["source"].startswith("<mjml"))
        self.assertIn("{{ enlace_baja }}", body["source"])

    def test_it_creates_a_template_from_the_gallery_with_the_brand_kit(self) -> None:
        brand = BrandKit.load()
        brand.name, brand.primary_color = "Escuela de Gobierno", "#7a1f2b"
        brand.save()
        response = self.call("POST", "/templates", {"gallery": "curso"})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["name"], body["gallery_key"]), ("Course announcement", "curso"))
        self.assertIn("Escuela de Gobierno", body["source"])
        self.assertIn("#7a1f2b", body["source"])
        self.assertIn("{{ enlace_baja }}", body["source"])
        self.assertNotIn("[[", body["source"])
        response = self.call("POST", "/templates", {"gallery": "curso", "name": "Curso SIAF"})
        self.assertEqual(response.json()["name"], "Curso SIAF")

    def test_it_copies_a_template_with_its_custom_text(self) -> None:
        self.letter.set_text("Hola {{ nombre }}. Baja: {{ enlace_baja }}")
        self.letter.save()
        response = self.call("POST", "/templates", {"copy": str(self.letter.code)})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["name"], "Copy of Carta de bienvenida")
        self.assertNotEqual(body["code"], str(self.letter.code))
        self.assertEqual((body["format"], body["source"]), ("html", HTML))
        self.assertEqual(body["text"], "Hola {{ nombre }}. Baja: {{ enlace_baja }}")
        self.assertTrue(body["is_text_custom"])
        self.assertEqual(EmailTemplate.objects.count(), 2)

    def test_creation_needs_one_known_starting_point(self) -> None:
        cases = [
            ({"source": HTML}, {"format": ["This field is required."]}),
            ({"format": "html"}, {"format": ["Send a format only together with a source."]}),
            (
                {"gallery": "curso", "copy": str(self.letter.code)},
                {
                    "gallery": ["Send only one of source, gallery and copy."],
                    "copy": ["Send only one of source, gallery and copy."],
                },
            ),
            ({"gallery": "nope"}, {"gallery": ["The gallery has no design with the key “nope”."]}),
            ({"copy": "nope"}, {"copy": ["There is no template with the code “nope”."]}),
            ({"format": "pdf", "source": "x"}, {"format": ["Choose one of 'mjml' or 'html'."]}),
            ({"name": "", "format": "html", "source": HTML}, {"name": ["This field is required."]}),
        ]
        for payload, errors in cases:
            with self.subTest(payload=payload):
                response = self.call("POST", "/templates", payload)
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response.json()["errors"], errors)
        self.assertEqual(EmailTemplate.objects.count(), 1)

    def test_an_unusable_source_is_a_422_with_lines(self) -> None:
        news = EmailTemplate(name="Boletín", format=Format.MJML)
        news.set_source(MJML)
        news.save()
        cases = [
            ("html", "<p>Hola</p>\n<p>{{ nombre.__class__ }}</p>", "Line 2: a field's parts"),
            ("html", "<p>\n</p>\n{% for x in y %}{{ x }}{% endfor %}", "Line 3: loops cannot"),
            ("html", "<p>Hola</p>\n\n\n{{ curso }}", "Line 4: there is no field “curso”."),
            ("mjml", UNCLOSED_SECTION, "Line 5: </mj-body> is found where <mj-section> (line 3)"),
        ]
        for format, source, message in cases:
            with self.subTest(source=source):
                payload = {"name": "Roto", "format": format, "source": source}
                response = self.call("POST", "/templates", payload)
                self.assertEqual(response.status_code, 422)
                self.assertEqual(list(response.json()["errors"]), ["source"])
                self.assertTrue(response.json()["errors"]["source"][0].startswith(message))
                template = news if format == "mjml" else self.letter
                response = self.call("PATCH", f"/templates/{template.code}", {"source": source})
                self.assertEqual(response.status_code, 422)
                self.assertTrue(response.json()["errors"]["source"][0].startswith(message))
        self.assertEqual(EmailTemplate.objects.count(), 2)
        self.letter.refresh_from_db()
        news.refresh_from_db()
        self.assertEqual((self.letter.source, news.source), (HTML, MJML))

    def test_patch_changes_the_name_and_source(self) -> None:
        source = f"<p>Estimada {{{{ nombre }}}}:</p>{FOOTER}"
        response = self.call("PATCH", f"/templates/{self.letter.code}", {"source": source})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["name"], "Carta de bienvenida")
        self.assertIn("Estimada {{ nombre }}:", response.json()["text"])
        response = self.call("PATCH", f"/templates/{self.letter.code}", {"name": "Carta"})
        self.assertEqual(response.json()["name"], "Carta")
        self.letter.refresh_from_db()
        self.assertEqual((self.letter.name, self.letter.source), ("Carta", source))
        self.assertIn("Estimada {{ nombre }}:", self.letter.html)

    def test_patch_sets_and_resets_the_text(self) -> None:
        url = f"/templates/{self.letter.code}"
        response = self.call("PATCH", url, {"text": "Hola {{ nombre }}\nBaja: {{ enlace_baja }}"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["text"], "Hola {{ nombre }}\nBaja: {{ enlace_baja }}")
        self.assertTrue(response.json()["is_text_custom"])
        self.letter.refresh_from_db()
        self.assertTrue(self.letter.is_text_custom)
        # A custom text stays when the source changes.
        response = self.call("PATCH", url, {"source": f"<p>Otra</p>{FOOTER}"})
        self.assertEqual(response.json()["text"], "Hola {{ nombre }}\nBaja: {{ enlace_baja }}")
        response = self.call("PATCH", url, {"text": "Hola {{ apodo }}"})
        self.assertEqual(response.status_code, 422)
        self.assertTrue(
            response.json()["errors"]["text"][0].startswith("Line 1: there is no field")
        )
        response = self.call("PATCH", url, {"text": ""})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.json()["is_text_custom"])
        self.assertIn("Otra", response.json()["text"])
        self.assertNotIn("Hola", response.json()["text"])

    def test_it_deletes_a_template_and_audits_it(self) -> None:
        response = self.call("DELETE", f"/templates/{self.letter.code}")
        self.assertEqual(response.status_code, 204)
        self.assertFalse(EmailTemplate.objects.exists())
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual((entry.target, entry.detail["kind"]), ("Carta de bienvenida", "template"))
        self.assertEqual(entry.actor, self.bob)

    def test_it_compiles_without_saving(self) -> None:
        response = self.call("POST", "/templates/compile", {"format": "mjml", "source": MJML})
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertIn('Hola {{ nombre | default("colega") }}', body["html"])
        self.assertIn('Hola {{ nombre | default("colega") }}', body["text"])
        self.assertEqual(body["checks"], [])
        response = self.call(
            "POST", "/templates/compile", {"format": "html", "source": '<img src="x.png">'}
        )
        self.assertEqual(
            [(check["code"], check["level"]) for check in response.json()["checks"]],
            [("unsubscribe", "error"), ("alt", "error"), ("text", "error")],
        )
        self.assertEqual(EmailTemplate.objects.count(), 1)

    def test_sources_with_crlf_line_endings_save_and_compile(self) -> None:
        crlf = MJML.replace("\n", "\r\n")
        response = self.call("POST", "/templates/compile", {"format": "mjml", "source": crlf})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertIn("Hola", response.json()["html"])
        payload = {"name": "Boletín", "format": "mjml", "source": crlf}
        response = self.call("POST", "/templates", payload)
        self.assertEqual(response.status_code, 201, response.content)
        template = EmailTemplate.objects.get(code=response.json()["code"])
        self.assertEqual(template.source, MJML)
        response = self.call("PATCH", f"/templates/{template.code}", {"source": crlf})
        self.assertEqual(response.status_code, 200, response.content)

    def test_mjml_compile_errors_are_spanish_with_their_line(self) -> None:
        source = MJML.replace("<mj-body>", "<mj-head><p>x</p></mj-head>\n  <mj-body>")
        self.client.cookies["pregon_language"] = "es"
        response = self.call(
            "POST",
            "/templates/compile",
            {"format": "mjml", "source": source},
        )
        self.assertEqual(response.status_code, 422)
        message = response.json()["errors"]["source"][0]
        self.assertTrue(message.startswith("Línea 2: este elemento MJML no puede ir aquí"), message)

    def test_compiling_an_unusable_source_is_a_422_with_lines(self) -> None:
        response = self.call(
            "POST", "/templates/compile", {"format": "mjml", "source": UNCLOSED_SECTION}
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json()["errors"],
            {"source": ["Line 5: </mj-body> is found where <mj-section> (line 3) ends."]},
        )
        response = self.call(
            "POST", "/templates/compile", {"format": "html", "source": "\n{{ nombre.__class__ }}"}
        )
        self.assertEqual(
            response.json()["errors"],
            {"source": ["Line 2: a field's parts cannot be read; write just the field's name."]},
        )

    def test_the_preview_is_personalised_and_escaped_in_html_only(self) -> None:
        contact = Contact.objects.create(
            email="rosa@example.pe",
            first_name="<script>alert(1)</script>",
            attributes={"dni": "40404040"},
        )
        url = f"/templates/{self.letter.code}/preview"
        for reference in [str(contact.code), "ROSA@example.pe"]:
            with self.subTest(reference=reference):
                response = self.call("GET", url, {"contact": reference})
                self.assertEqual(response.status_code, 200)
                html, text = response.json()["html"], response.json()["text"]
                self.assertIn(
                    "Hola &lt;script&gt;alert(1)&lt;/script&gt;, su DNI es 40404040", html
                )
                self.assertNotIn("<script>", html)
                self.assertIn("Hola <script>alert(1)</script>, su DNI es 40404040", text)
                self.assertIn('href="#"', html)

    def test_the_preview_shows_a_sample_person_without_a_contact(self) -> None:
        response = self.call("GET", f"/templates/{self.letter.code}/preview")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Hola María, su DNI es .", response.json()["html"])
        self.assertIn("Hola María, su DNI es .", response.json()["text"])

    def test_unknown_codes_and_contacts_are_404(self) -> None:
        for method, path in [
            ("GET", "/templates/6f1c1f0e-0000-4000-8000-000000000000"),
            ("GET", "/templates/nope"),
            ("PATCH", "/templates/nope"),
            ("DELETE", "/templates/nope"),
            ("GET", "/templates/nope/preview"),
            ("GET", f"/templates/{self.letter.code}/preview?contact=nadie@example.pe"),
            ("GET", f"/templates/{self.letter.code}/preview?contact=nope"),
        ]:
            with self.subTest(path=path):
                data = {"name": "X"} if method == "PATCH" else None
                response = self.call(method, path, data)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json()["errors"], {})
        self.assertEqual(EmailTemplate.objects.get().name, "Carta de bienvenida")

    def test_it_needs_an_editor(self) -> None:
        charlie = self.token_for(self.charlie)
        for method, path, data in [
            ("GET", "/templates", None),
            ("POST", "/templates", {}),
            ("POST", "/templates/compile", {"format": "html", "source": HTML}),
            ("GET", f"/templates/{self.letter.code}", None),
            ("PATCH", f"/templates/{self.letter.code}", {"name": "X"}),
            ("DELETE", f"/templates/{self.letter.code}", None),
            ("GET", f"/templates/{self.letter.code}/preview", None),
        ]:
            with self.subTest(method=method, path=path):
                response = self.call(method, path, data, token=charlie)
                self.assertEqual(response.status_code, 403)
                response = self.client.generic(method, "/api/v1" + path)
                self.assertEqual(response.status_code, 401)
        self.assertEqual(EmailTemplate.objects.get().name, "Carta de bienvenida")
