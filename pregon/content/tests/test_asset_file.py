from pathlib import Path
from urllib.parse import urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.response import HttpResponseBase

from pregon.content.assets import store_image
from pregon.content.models import Asset
from pregon.testing import BaseTestCase
from pregon.testing.images import animation, photo_with_gps, png


class AssetFileTestCase(BaseTestCase):
    """The public address of a library image, which mail clients load without logging in."""

    def setUp(self) -> None:
        super().setUp()
        self.use_temporary_media()
        self.asset = store_image(SimpleUploadedFile("logo.png", png(240, 80)), self.bob)
        self.path = urlsplit(self.asset.url).path

    def get(self, path: str) -> tuple[HttpResponseBase, bytes]:
        """The response and its body, read to the end (which closes the image file)."""
        response = self.client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response, body

    def test_its_address_is_under_imagenes(self) -> None:
        self.assertEqual(self.path, f"/imagenes/{self.asset.code}.png")

    def test_it_serves_the_image_to_anyone_with_long_caching(self) -> None:
        response, body = self.get(self.path)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertIn("immutable", response["Cache-Control"])
        self.assertIn("public", response["Cache-Control"])
        self.assertIn("max-age=31536000", response["Cache-Control"])
        self.assertEqual(body, Path(self.asset.file.path).read_bytes())

    def test_it_serves_each_kind_with_its_content_type(self) -> None:
        for name, content, content_type in (
            ("foto.jpg", photo_with_gps(), "image/jpeg"),
            ("contador.gif", animation("GIF"), "image/gif"),
            ("banner.webp", animation("WEBP"), "image/png"),
        ):
            with self.subTest(name):
                asset = store_image(SimpleUploadedFile(name, content))
                response, body = self.get(urlsplit(asset.url).path)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], content_type)
                self.assertEqual(body, Path(asset.file.path).read_bytes())

    def test_logged_in_users_get_it_too(self) -> None:
        self.client.force_login(self.charlie)
        response, _body = self.get(self.path)
        self.assertEqual(response.status_code, 200)

    def test_a_wrong_extension_is_not_found(self) -> None:
        for extension in ("jpg", "gif", "PNG", "html"):
            with self.subTest(extension):
                response, _body = self.get(f"/imagenes/{self.asset.code}.{extension}")
                self.assertEqual(response.status_code, 404)

    def test_an_unknown_image_is_not_found(self) -> None:
        for path in ("/imagenes/6f1c2e9a-8d3b-4c1e-9f7a-2b5d8e0c4a11.png", "/imagenes/logo.png"):
            with self.subTest(path):
                response, _body = self.get(path)
                self.assertEqual(response.status_code, 404)

    def test_a_deleted_image_is_not_found(self) -> None:
        Asset.objects.all().delete()
        response, _body = self.get(self.path)
        self.assertEqual(response.status_code, 404)

    def test_it_rejects_post(self) -> None:
        self.assertEqual(self.client.post(self.path).status_code, 405)
