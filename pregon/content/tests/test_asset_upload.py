from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import override_settings
from PIL import ExifTags, Image

from pregon.content.models import Asset
from pregon.testing import BaseTestCase
from pregon.testing.images import animation, encode, photo_with_gps, png

REFUSED = "This file is not an image we can use. Upload a PNG, JPEG, GIF or WebP image."


class AssetUploadTestCase(BaseTestCase):
    url = "/plantillas/imagenes/subir/"

    def setUp(self) -> None:
        super().setUp()
        self.media = self.use_temporary_media()
        self.client.force_login(self.bob)

    def upload(
        self, name: str, content: bytes, headers: dict[str, str] | None = None
    ) -> HttpResponse:
        return self.client.post(
            self.url, {"file": SimpleUploadedFile(name, content)}, headers=headers
        )

    def stored(self, asset: Asset) -> Image.Image:
        image = Image.open(asset.file.path)
        self.addCleanup(image.close)
        return image

    def assert_nothing_stored(self) -> None:
        self.assertFalse(Asset.objects.exists())
        self.assertEqual([path for path in self.media.rglob("*") if path.is_file()], [])

    # Access --------------------------------------------------------------------------------

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        self.client.logout()
        response = self.upload("logo.png", png(20, 10))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])
        self.assert_nothing_stored()

    def test_analysts_may_not_upload(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.upload("logo.png", png(20, 10)).status_code, 403)
        self.assert_nothing_stored()

    def test_it_rejects_get(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 405)

    # What is stored ------------------------------------------------------------------------

    def test_it_shrinks_a_wide_image_to_1200_pixels(self) -> None:
        response = self.upload("Portada del curso.png", png(2400, 1000))
        asset = Asset.objects.get()
        self.assertRedirects(response, "/plantillas/imagenes/", fetch_redirect_response=False)
        self.assertEqual((asset.width, asset.height), (1200, 500))
        self.assertEqual(self.stored(asset).size, (1200, 500))
        self.assertEqual(self.stored(asset).format, "PNG")
        self.assertEqual(asset.name, "Portada del curso")
        self.assertEqual(asset.content_type, "image/png")
        self.assertEqual(asset.file.name, f"assets/{asset.code}.png")
        self.assertEqual(asset.size, Path(asset.file.path).stat().st_size)
        self.assertEqual(asset.created_by, self.bob)

    def test_it_keeps_a_narrow_image_as_it_is_sized(self) -> None:
        self.upload("icono.png", png(64, 48))
        asset = Asset.objects.get()
        self.assertEqual((asset.width, asset.height), (64, 48))
        self.assertEqual(self.stored(asset).size, (64, 48))

    def test_it_removes_a_photos_exif_and_location(self) -> None:
        photo = photo_with_gps()
        self.assertTrue(Image.open(SimpleUploadedFile("x", photo)).getexif().get_ifd(0x8825))
        self.upload("foto.jpg", photo)
        asset = Asset.objects.get()
        image = self.stored(asset)
        self.assertEqual((image.format, asset.content_type), ("JPEG", "image/jpeg"))
        self.assertEqual(asset.file.name, f"assets/{asset.code}.jpg")
        self.assertNotIn("exif", image.info)
        self.assertEqual(dict(image.getexif()), {})
        self.assertEqual(image.getexif().get_ifd(ExifTags.IFD.GPSInfo), {})
        self.assertNotIn(b"Fono", Path(asset.file.path).read_bytes())

    def test_it_turns_a_photo_the_way_the_camera_held_it(self) -> None:
        # Orientation 6: the camera was turned a quarter; viewers show it 600 wide, 800 high.
        self.upload("foto.jpg", photo_with_gps(800, 600, orientation=6))
        asset = Asset.objects.get()
        self.assertEqual((asset.width, asset.height), (600, 800))
        self.assertEqual(self.stored(asset).size, (600, 800))

    def test_it_stores_webp_as_png(self) -> None:
        webp = encode(Image.new("RGBA", (300, 200), (29, 78, 137, 128)), "WEBP")
        self.upload("banner.webp", webp)
        asset = Asset.objects.get()
        self.assertEqual(asset.content_type, "image/png")
        self.assertEqual(asset.file.name, f"assets/{asset.code}.png")
        self.assertTrue(asset.url.endswith(f"/imagenes/{asset.code}.png"))
        image = self.stored(asset)
        self.assertEqual((image.format, image.size, image.mode), ("PNG", (300, 200), "RGBA"))

    def test_it_keeps_an_animated_gif_animated(self) -> None:
        gif = animation("GIF")
        self.upload("contador.gif", gif)
        asset = Asset.objects.get()
        self.assertEqual(asset.content_type, "image/gif")
        self.assertEqual(asset.file.name, f"assets/{asset.code}.gif")
        self.assertEqual((asset.width, asset.height), (120, 80))
        image = self.stored(asset)
        self.assertEqual(image.format, "GIF")
        self.assertEqual(image.n_frames, 3)
        self.assertEqual(Path(asset.file.path).read_bytes(), gif)

    def test_an_animated_webp_becomes_a_png_of_its_first_frame(self) -> None:
        self.upload("contador.webp", animation("WEBP"))
        asset = Asset.objects.get()
        self.assertEqual(asset.content_type, "image/png")
        self.assertEqual(asset.file.name, f"assets/{asset.code}.png")
        image = self.stored(asset)
        self.assertEqual((image.format, image.size), ("PNG", (120, 80)))
        red, green, blue = image.convert("RGB").getpixel((0, 0))  # The first frame is red.
        self.assertGreater(red, 200)
        self.assertLess(max(green, blue), 50)

    def test_an_animated_png_stays_an_animated_png(self) -> None:
        apng = animation("PNG")
        self.upload("contador.png", apng)
        asset = Asset.objects.get()
        self.assertEqual(asset.content_type, "image/png")
        self.assertEqual(asset.file.name, f"assets/{asset.code}.png")
        image = self.stored(asset)
        self.assertEqual((image.format, image.n_frames), ("PNG", 3))

    # What is refused -----------------------------------------------------------------------

    def test_it_refuses_a_file_that_is_not_an_image(self) -> None:
        response = self.upload("logo.png", b"Nombre,Correo\nAna,ana@example.pe\n")
        self.assertRedirects(response, "/plantillas/imagenes/", fetch_redirect_response=False)
        self.assertContains(self.client.get("/plantillas/imagenes/"), REFUSED)
        self.assert_nothing_stored()

    def test_it_refuses_other_image_formats(self) -> None:
        self.upload("logo.bmp", encode(Image.new("RGB", (10, 10)), "BMP"))
        self.assertContains(self.client.get("/plantillas/imagenes/"), REFUSED)
        self.assert_nothing_stored()

    def test_it_refuses_a_truncated_image(self) -> None:
        self.upload("foto.jpg", photo_with_gps()[:600])
        self.assertContains(self.client.get("/plantillas/imagenes/"), REFUSED)
        self.assert_nothing_stored()

    @override_settings(IMAGE_MAX_BYTES=1000)
    def test_it_refuses_an_image_over_the_limit(self) -> None:
        content = photo_with_gps()
        self.assertGreater(len(content), 1000)
        response = self.upload("foto.jpg", content, {"Accept": "application/json"})
        self.assertEqual(response.status_code, 422)
        self.assertTrue(response.json()["detail"].startswith("The image weighs "))
        self.assert_nothing_stored()

    def test_it_asks_for_a_file(self) -> None:
        response = self.client.post(self.url, {}, follow=True)
        self.assertContains(response, "Choose an image to upload.")
        self.assert_nothing_stored()

    # Answers -------------------------------------------------------------------------------

    def test_it_redirects_the_page_form_with_a_message(self) -> None:
        response = self.client.post(
            self.url, {"file": SimpleUploadedFile("logo.png", png(20, 10))}, follow=True
        )
        self.assertRedirects(response, "/plantillas/imagenes/")
        self.assertContains(response, "Image “logo” added to the library.")
        asset = Asset.objects.get()
        self.assertContains(response, f'src="{asset.url}"')

    def test_it_answers_the_visual_editor_in_json(self) -> None:
        response = self.upload("logo.png", png(240, 80), {"Accept": "application/json"})
        asset = Asset.objects.get()
        self.assertEqual(response.status_code, 201)
        self.assertEqual(
            response.json(),
            {
                "data": [
                    {
                        "src": f"{settings.SITE_URL}/imagenes/{asset.code}.png",
                        "name": "logo",
                        "width": 240,
                        "height": 80,
                        "code": str(asset.code),
                    }
                ]
            },
        )

    def test_the_visual_editor_may_ask_for_json_in_the_address(self) -> None:
        upload = SimpleUploadedFile("logo.png", png(240, 80))
        response = self.client.post(f"{self.url}?format=json", {"file": upload})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["data"][0]["name"], "logo")

    def test_it_answers_a_refusal_in_json(self) -> None:
        response = self.upload("logo.png", b"not an image", {"Accept": "application/json"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json(), {"detail": REFUSED})
        self.assert_nothing_stored()
