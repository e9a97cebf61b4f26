from pregon.content import gallery
from pregon.content.models import BrandKit, EmailTemplate
from pregon.testing import BaseTestCase
from pregon.testing.brandkit import skip_brand_question

BRAND_DATA = {
    "name": "Escuela Nacional de Control",
    "primary_color": "#8a1538",
    "accent_color": "#00a19a",
    "text_color": "#222222",
    "background_color": "#fafaf5",
    "address": "Jr. Camilo Carrillo 114, Lima",
    "website_url": "https://enc.contraloria.gob.pe",
}


class GalleryIndexTestCase(BaseTestCase):
    url = "/plantillas/galeria/"

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])

    def test_analysts_may_not_see_it(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_it_lists_the_twelve_designs(self) -> None:
        self.client.force_login(self.bob)
        skip_brand_question(self.client)
        response = self.client.get(self.url)
        self.assertContains(response, "data-gallery=", count=12)
        self.assertContains(response, 'name="gallery" value=', count=12)
        for name in (
            "Course announcement",
            "Monthly course catalogue",
            "Webinar invitation",
            "Reminder before the start",
            "Last seats",
            "Certificate available",
            "Welcome",
            "Survey",
            "Event agenda",
            "Newsletter",
            "Institutional notice",
            "Plain letter",
        ):
            self.assertContains(response, f'<h2 class="h6 card-title">{name}</h2>', html=False)
        for entry in gallery.GALLERY:
            self.assertContains(response, f'data-gallery="{entry.key}"')
            self.assertContains(response, f'href="/plantillas/galeria/{entry.key}/"')

    def test_it_names_the_designs_in_spanish(self) -> None:
        self.use_spanish()
        self.client.force_login(self.bob)
        skip_brand_question(self.client)
        response = self.client.get(self.url)
        for name in ("Anuncio de curso", "Catálogo mensual de cursos", "Carta sencilla"):
            self.assertContains(response, f'<h2 class="h6 card-title">{name}</h2>')
        self.assertNotContains(response, "Course announcement")


class GalleryDetailTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        skip_brand_question(self.client)

    def test_it_shows_one_design_with_its_preview(self) -> None:
        response = self.client.get("/plantillas/galeria/webinar/")
        self.assertContains(response, '<h1 class="h3 mb-0 me-auto">Webinar invitation</h1>')
        self.assertContains(response, "Invite people to a live online session")
        self.assertContains(response, 'src="/plantillas/galeria/webinar/vista-previa/"')
        self.assertContains(response, '<input type="hidden" name="gallery" value="webinar">')

    def test_an_unknown_design_is_not_found(self) -> None:
        for key in ("no-existe", "blank", "_footer"):
            with self.subTest(key):
                self.assertEqual(self.client.get(f"/plantillas/galeria/{key}/").status_code, 404)
                url = f"/plantillas/galeria/{key}/vista-previa/"
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_analysts_may_not_see_it(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get("/plantillas/galeria/webinar/").status_code, 403)
        url = "/plantillas/galeria/webinar/vista-previa/"
        self.assertEqual(self.client.get(url).status_code, 403)


class GalleryAsksForTheBrandKitTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_spanish()
        self.client.force_login(self.bob)

    def test_an_empty_brand_kit_is_asked_for_before_the_first_design(self) -> None:
        response = self.client.get("/plantillas/galeria/", follow=True)
        self.assertRedirects(response, "/plantillas/marca/?next=%2Fplantillas%2Fgaleria%2F")
        self.assertContains(response, "Antes de su primer diseño")
        self.assertContains(response, "Mi organización")
        self.assertContains(
            response, '<input type="hidden" name="next" value="/plantillas/galeria/">'
        )
        self.assertContains(response, 'id="brand-skip"')
        data = {**BRAND_DATA, "next": "/plantillas/galeria/"}
        response = self.client.post("/plantillas/marca/", data, follow=True)
        self.assertRedirects(response, "/plantillas/galeria/")
        self.assertContains(response, "data-gallery=", count=12)
        response = self.client.post("/plantillas/nueva/", {"gallery": "curso"})
        template = EmailTemplate.objects.get()
        self.assertIn("https://enc.contraloria.gob.pe/cursos/", template.source)
        self.assertNotIn("Mi organización", template.source)

    def test_it_asks_once_and_lets_people_go_on_without_a_brand(self) -> None:
        response = self.client.get("/plantillas/galeria/curso/")
        self.assertRedirects(response, "/plantillas/marca/?next=%2Fplantillas%2Fgaleria%2Fcurso%2F")
        self.assertEqual(self.client.get("/plantillas/galeria/curso/").status_code, 200)
        self.client.post("/plantillas/nueva/", {"gallery": "curso"})
        self.assertEqual(EmailTemplate.objects.count(), 1)

    def test_a_blank_design_asks_too(self) -> None:
        response = self.client.post("/plantillas/nueva/")
        self.assertRedirects(response, "/plantillas/marca/?next=%2Fplantillas%2F")
        self.assertFalse(EmailTemplate.objects.exists())

    def test_a_brand_kit_with_a_name_is_not_asked_for(self) -> None:
        BrandKit.objects.create(pk=1, name="Escuela Nacional de Control")
        self.assertEqual(self.client.get("/plantillas/galeria/").status_code, 200)

    def test_the_next_address_must_be_ours(self) -> None:
        response = self.client.get("/plantillas/marca/?next=https://evil.example.com/")
        self.assertNotContains(response, 'value="https://evil.example.com/"')
        self.assertNotContains(response, 'id="brand-first"')
        self.assertNotContains(response, 'id="brand-skip"')
        response = self.client.post(
            "/plantillas/marca/", {**BRAND_DATA, "next": "https://evil.example.com/"}
        )
        self.assertRedirects(response, "/plantillas/marca/")


class GalleryPreviewTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)

    def test_it_answers_sandboxed_html_with_the_brand_and_a_sample_person(self) -> None:
        brand = BrandKit.load()
        brand.name = "Capacitación & Desarrollo"
        brand.primary_color = "#8a1538"
        brand.save()
        response = self.client.get("/plantillas/galeria/curso/vista-previa/")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/html"))
        self.assertIn("sandbox", response["Content-Security-Policy"].split(";"))
        self.assertEqual(response["X-Frame-Options"], "SAMEORIGIN")
        self.assertContains(response, "Capacitación &amp; Desarrollo")
        self.assertContains(response, "#8a1538")
        self.assertContains(response, "Hola, María:")  # Merge tags filled for the sample.
        self.assertNotContains(response, "{{")
