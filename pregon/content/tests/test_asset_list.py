from django.core.files.uploadedfile import SimpleUploadedFile

from pregon.content.assets import store_image
from pregon.testing import BaseTestCase
from pregon.testing.images import png


class AssetListTestCase(BaseTestCase):
    """The library as JSON, for the visual editor's image picker."""

    url = "/plantillas/imagenes/lista/"

    def setUp(self) -> None:
        super().setUp()
        self.use_temporary_media()

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])

    def test_analysts_may_not_see_it(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_it_rejects_post(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_an_empty_library(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.url).json(), {"assets": []})

    def test_it_lists_the_images_newest_first(self) -> None:
        logo = store_image(SimpleUploadedFile("logo.png", png(240, 80)), self.alice)
        banner = store_image(SimpleUploadedFile("banner.png", png(2400, 600)), self.bob)
        self.client.force_login(self.bob)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {
                "assets": [
                    {
                        "src": banner.url,
                        "name": "banner",
                        "width": 1200,
                        "height": 300,
                        "code": str(banner.code),
                    },
                    {
                        "src": logo.url,
                        "name": "logo",
                        "width": 240,
                        "height": 80,
                        "code": str(logo.code),
                    },
                ]
            },
        )
        self.assertTrue(banner.url.startswith("http"))
