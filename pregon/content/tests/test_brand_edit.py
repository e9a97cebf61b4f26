from django.core.files.uploadedfile import SimpleUploadedFile

from pregon.content.models import Asset, BrandKit
from pregon.testing import BaseTestCase
from pregon.testing.images import png

COLOUR_ERROR = "Write the colour as # and six hexadecimal digits."


class BrandEditTestCase(BaseTestCase):
    url = "/plantillas/marca/"

    def setUp(self) -> None:
        super().setUp()
        self.media = self.use_temporary_media()
        self.client.force_login(self.bob)

    def data(self, **changes: object) -> dict[str, object]:
        return {
            "name": "Capacitación & Desarrollo",
            "primary_color": "#8a1538",
            "accent_color": "#00a19a",
            "text_color": "#222222",
            "background_color": "#fafaf5",
            "address": "Av. Arequipa 1234, of. 501\nLima 15046, Perú",
            "website_url": "capacitacion.example.pe",
            **changes,
        }

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        self.client.logout()
        response = self.client.post(self.url, self.data())
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])
        self.assertEqual(BrandKit.load().name, "")

    def test_analysts_may_not_change_it(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.assertEqual(BrandKit.load().name, "")

    def test_it_shows_the_form_with_the_defaults(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, 'type="color" name="primary_color" value="#1d4e89"')
        self.assertContains(response, 'name="logo_file"')
        self.assertContains(response, "Shown in the footer of every message")
        self.assertNotContains(response, "Current logo")

    def test_it_saves_the_colours_address_and_website(self) -> None:
        response = self.client.post(self.url, self.data(), follow=True)
        self.assertRedirects(response, self.url)
        self.assertContains(response, "Brand kit saved. New messages will start with it.")
        brand = BrandKit.load()
        self.assertEqual(brand.name, "Capacitación & Desarrollo")
        self.assertEqual(
            (brand.primary_color, brand.accent_color, brand.text_color, brand.background_color),
            ("#8a1538", "#00a19a", "#222222", "#fafaf5"),
        )
        self.assertEqual(brand.address, "Av. Arequipa 1234, of. 501\nLima 15046, Perú")
        self.assertEqual(brand.website_url, "https://capacitacion.example.pe")
        self.assertIsNone(brand.logo)
        self.assertEqual(BrandKit.objects.count(), 1)

    def test_a_bad_colour_is_refused_and_nothing_saved(self) -> None:
        for colour in ("red", "#12345", "#12345g", "1d4e89", ""):
            with self.subTest(colour):
                response = self.client.post(self.url, self.data(accent_color=colour))
                self.assertEqual(response.status_code, 200)
                errors = response.context["form"].errors
                self.assertEqual(list(errors), ["accent_color"])
                if colour:
                    self.assertEqual(errors["accent_color"], [COLOUR_ERROR])
        self.assertContains(response, "This field is required.")
        response = self.client.post(self.url, self.data(accent_color="red"))
        self.assertContains(response, COLOUR_ERROR)
        brand = BrandKit.load()
        self.assertEqual((brand.name, brand.accent_color), ("", "#f2a900"))

    def test_a_bad_website_is_refused(self) -> None:
        response = self.client.post(self.url, self.data(website_url="no es un sitio"))
        self.assertIn("website_url", response.context["form"].errors)
        self.assertEqual(BrandKit.load().website_url, "")

    def test_it_uploads_a_logo_into_the_library(self) -> None:
        logo = SimpleUploadedFile("logo-cd.png", png(720, 240))
        response = self.client.post(self.url, self.data(logo_file=logo), follow=True)
        self.assertRedirects(response, self.url)
        brand = BrandKit.load()
        asset = Asset.objects.get()
        self.assertEqual(brand.logo, asset)
        self.assertEqual((asset.name, asset.width, asset.height), ("logo-cd", 720, 240))
        self.assertEqual(asset.created_by, self.bob)
        self.assertEqual(brand.as_context()["logo_url"], asset.url)
        self.assertContains(response, f'<img src="{asset.url}" alt="Current logo"')

        # Saving again without a file keeps the logo.
        self.client.post(self.url, self.data(name="Otra"))
        brand.refresh_from_db()
        self.assertEqual((brand.name, brand.logo), ("Otra", asset))

    def test_a_file_that_is_not_an_image_is_refused_on_the_logo_field(self) -> None:
        text = SimpleUploadedFile("logo.png", b"%PDF-1.7 no es una imagen")
        response = self.client.post(self.url, self.data(logo_file=text))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors,
            {
                "logo_file": [
                    "This file is not an image we can use. Upload a PNG, JPEG, GIF or WebP image."
                ]
            },
        )
        self.assertContains(response, "This file is not an image we can use.")
        self.assertFalse(Asset.objects.exists())
        self.assertEqual([path for path in self.media.rglob("*") if path.is_file()], [])
        brand = BrandKit.load()
        self.assertEqual((brand.name, brand.primary_color, brand.logo), ("", "#1d4e89", None))
