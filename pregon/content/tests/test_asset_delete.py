from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.content.assets import store_image
from pregon.content.models import Asset, BrandKit, EmailTemplate, Format
from pregon.testing import BaseTestCase
from pregon.testing.images import png


class AssetDeleteTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.use_temporary_media()
        self.asset = store_image(SimpleUploadedFile("Logo <marca> &.png", png(240, 80)), self.bob)
        self.file = Path(self.asset.file.path)
        self.url = f"/plantillas/imagenes/{self.asset.code}/eliminar/"

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.post(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/", response["Location"])
        self.assertTrue(Asset.objects.exists())

    def test_analysts_may_not_delete(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertTrue(Asset.objects.exists())
        self.assertTrue(self.file.exists())

    def test_an_unknown_image_is_not_found(self) -> None:
        self.client.force_login(self.bob)
        url = "/plantillas/imagenes/6f1c2e9a-8d3b-4c1e-9f7a-2b5d8e0c4a11/eliminar/"
        self.assertEqual(self.client.post(url).status_code, 404)

    def test_it_asks_for_confirmation_first(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(self.url)
        self.assertContains(response, "Delete the image “Logo &lt;marca&gt; &amp;”?")
        self.assertContains(response, "Messages already sent that show it will show an empty box")
        self.assertContains(response, 'href="/plantillas/imagenes/"')
        self.assertTrue(Asset.objects.exists())
        self.assertTrue(self.file.exists())

    def test_it_names_the_templates_that_show_it_and_the_logo(self) -> None:
        template = EmailTemplate(name="Boletín de marzo", format=Format.HTML)
        template.set_source(
            f'<img src="{self.asset.url}" alt="x"><a href="{{{{ enlace_baja }}}}">b</a>'
        )
        template.save()
        brand = BrandKit.load()
        brand.logo = self.asset
        brand.save()
        self.client.force_login(self.bob)
        response = self.client.get(self.url)
        self.assertContains(response, "Templates that show it: Boletín de marzo.")
        self.assertContains(response, "It is the brand kit&#x27;s logo")

    def test_it_deletes_the_image_and_its_file_after_commit_and_audits(self) -> None:
        self.client.force_login(self.bob)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            response = self.client.post(self.url)
        self.assertRedirects(response, "/plantillas/imagenes/", fetch_redirect_response=False)
        self.assertFalse(Asset.objects.exists())
        self.assertTrue(self.file.exists())  # Kept until the deletion is committed.
        for callback in callbacks:
            callback()
        self.assertFalse(self.file.exists())

        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual(entry.actor, self.bob)
        self.assertEqual(entry.target, "Logo <marca> &")
        self.assertEqual(entry.detail, {"kind": "image"})
        response = self.client.get("/plantillas/imagenes/")
        self.assertContains(response, "Image “Logo &lt;marca&gt; &amp;” deleted.")
        self.assertContains(response, "No images yet.")

    def test_the_public_address_stops_working(self) -> None:
        path = f"/imagenes/{self.asset.code}.png"
        self.client.force_login(self.bob)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url)
        self.client.logout()
        self.assertEqual(self.client.get(path).status_code, 404)
