"""The merge tags of the links a message gets when sent: enlace_preferencias (every email)
and enlace_confirmar (signup confirmations): known to the checks, offered by the editors'
insert menu, and leading nowhere in a preview."""

from django.urls import reverse
from django.utils import translation

from pregon.content.models import EmailTemplate, Format
from pregon.testing import BaseTestCase

SOURCE = (
    '<p><a href="{{ enlace_confirmar }}">Confirmar</a> <a href="{{ confirm_url }}">Confirm</a></p>'
    '<p><a href="{{ enlace_preferencias }}">Preferencias</a> '
    '<a href="{{ enlace_baja }}">Baja</a></p>'
)


class LinkMergeTagsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.template = EmailTemplate(name="Confirmación", format=Format.HTML)
        self.template.set_source(SOURCE)
        self.template.save()
        self.client.force_login(self.bob)

    def test_a_template_with_them_is_ready_to_send(self) -> None:
        self.assertTrue(self.template.is_ready)

    def test_the_insert_menu_offers_them(self) -> None:
        self.client.cookies["pregon_language"] = "es"
        response = self.client.get(reverse("content:code", args=[self.template.code]))
        self.assertContains(response, 'value="{{ enlace_preferencias }}">Enlace a preferencias')
        self.assertContains(
            response, 'value="{{ enlace_confirmar }}">Enlace de confirmación (correos de '
        )

    def test_a_preview_leads_nowhere(self) -> None:
        response = self.client.get(reverse("content:preview", args=[self.template.code]))
        self.assertContains(response, '<a href="#">Confirmar</a> <a href="#">Confirm</a>')
        self.assertContains(response, '<a href="#">Preferencias</a>')

    def test_a_misspelt_one_is_refused(self) -> None:
        template = EmailTemplate(name="Mal", format=Format.HTML)
        with translation.override("es"), self.assertRaisesMessage(Exception, "enlace_confirmar"):
            template.set_source('<a href="{{ enlace_confirmacion }}">x</a>')
