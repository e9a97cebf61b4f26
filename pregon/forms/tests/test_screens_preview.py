"""A signup form's preview: its hosted page framed in preview mode, its address, the lines
to embed it, and the pop-ups that show it."""

from django.conf import settings
from django.urls import reverse

from pregon.forms.models import FormDay
from pregon.popups.models import Popup
from pregon.testing import BaseTestCase
from pregon.testing.signup_forms import make_signup_form


class FormPreviewTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.form = make_signup_form(is_active=False)
        self.url = reverse("forms:preview", args=[self.form.code])

    def test_it_frames_the_hosted_page_in_preview_mode(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'src="/f/novedades?vista_previa=1" id="preview-desktop"')
        self.assertContains(response, 'src="/f/novedades?vista_previa=1" id="preview-phone"')
        self.assertContains(response, 'id="preview-unpublished"')
        # Analysts see it, without the buttons.
        self.assertNotContains(response, 'id="form-publish"')

    def test_the_framed_page_shows_the_unpublished_form_and_counts_nothing(self) -> None:
        self.client.force_login(self.bob)
        framed = self.client.get("/f/novedades?vista_previa=1")
        self.assertEqual(framed.status_code, 200)
        self.assertContains(framed, self.form.title)
        self.assertEqual(framed["X-Frame-Options"], "SAMEORIGIN")
        self.assertFalse(FormDay.objects.exists())

    def test_it_gives_the_address_and_the_embed_code(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(self.url)
        self.assertEqual(response.context["page_url"], f"{settings.SITE_URL}/f/novedades")
        snippet = response.context["snippet"]
        self.assertIn('data-pregon-form="novedades"', snippet)
        self.assertIn(f"{settings.SITE_URL}/static/forms/embed.js", snippet)
        self.assertContains(response, 'id="embed-code"')
        self.assertContains(response, 'data-copy-target="embed-code"')
        self.assertContains(response, 'id="form-publish"')

    def test_it_names_the_popups_that_show_it(self) -> None:
        popup = Popup.objects.create(name="Curso de marzo", title="Nuevo", signup_form=self.form)
        self.client.force_login(self.bob)
        response = self.client.get(self.url)
        self.assertContains(response, reverse("popups:edit", args=[popup.code]))

    def test_anonymous_visitors_must_log_in(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
