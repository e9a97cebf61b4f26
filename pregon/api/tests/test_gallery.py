import tempfile
from pathlib import Path

from django.test import override_settings

from pregon.content import gallery
from pregon.content.models import BrandKit
from pregon.testing.api import ApiTestCase


class GalleryTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Static files from a folder of this test's own, with a preview image for "curso" only.
        static = tempfile.TemporaryDirectory()
        self.addCleanup(static.cleanup)
        previews = Path(static.name, "content", "gallery", "previews")
        previews.mkdir(parents=True)
        (previews / "curso.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        self.enterContext(
            override_settings(
                STATICFILES_DIRS=[static.name],
                STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
            )
        )

    def test_it_lists_the_designs(self) -> None:
        response = self.call("GET", "/gallery")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual([item["key"] for item in body], [entry.key for entry in gallery.GALLERY])
        self.assertEqual(
            body[0],
            {
                "key": "curso",
                "name": "Course announcement",
                "description": "Present a new virtual course: dates, schedule, syllabus and a "
                "sign-up button.",
                "category": "Courses",
                "preview_url": "http://testserver/static/content/gallery/previews/curso.png",
            },
        )
        self.assertEqual(body[1]["key"], "catalogo")
        self.assertIsNone(body[1]["preview_url"])
        self.assertNotIn("source", body[0])

    def test_it_gets_a_design_with_the_brand_kit_applied(self) -> None:
        brand = BrandKit.load()
        brand.name, brand.primary_color = "Escuela de Gobierno", "#c0ffee"
        brand.save()
        response = self.call("GET", "/gallery/curso")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual((body["key"], body["name"]), ("curso", "Course announcement"))
        self.assertTrue(body["preview_url"].endswith("/previews/curso.png"))
        self.assertTrue(body["source"].startswith("<mjml"))
        self.assertIn("Escuela de Gobierno", body["source"])
        self.assertIn("#c0ffee", body["source"])
        self.assertIn("{{ enlace_baja }}", body["source"])
        self.assertNotIn("[[", body["source"])

    def test_an_unknown_key_is_404(self) -> None:
        for key in ["nope", "blank", "_footer"]:
            with self.subTest(key=key):
                response = self.call("GET", f"/gallery/{key}")
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json()["errors"], {})

    def test_it_needs_an_editor(self) -> None:
        charlie = self.token_for(self.charlie)
        for path in ["/gallery", "/gallery/curso"]:
            with self.subTest(path=path):
                self.assertEqual(self.call("GET", path, token=charlie).status_code, 403)
                self.assertEqual(self.client.get("/api/v1" + path).status_code, 401)
