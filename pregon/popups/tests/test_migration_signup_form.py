"""The migration that moves a pop-up's own form into a signup form: its list, tags, consent
text and thank-you message are kept, double opt-in stays off, the address is free."""

from pregon.testing.migrations import MigrationTestCase

BEFORE = [("popups", "0001_initial"), ("signup_forms", "0001_initial")]
AFTER = [("popups", "0004_remove_popup_own_form")]


class PopupFormMigrationTestCase(MigrationTestCase):
    def test_a_popup_s_form_becomes_a_signup_form(self) -> None:
        apps = self.migrate(BEFORE)
        Popup = apps.get_model("popups", "Popup")
        MailingList = apps.get_model("contacts", "MailingList")
        Tag = apps.get_model("contacts", "Tag")
        SignupForm = apps.get_model("signup_forms", "SignupForm")
        SignupForm.objects.create(
            name="Ya existe", slug="curso-de-marzo", title="T", consent_text="C", privacy_url=""
        )
        news = MailingList.objects.create(name="Novedades")
        tag = Tag.objects.create(name="aula")
        with_form = Popup.objects.create(
            name="Curso de marzo",
            title="Nuevo curso",
            button_color="#1d4e89",
            has_form=True,
            form_list=news,
            consent_text="Acepto recibir novedades de cursos.",
            thanks_text="¡Gracias!",
        )
        with_form.form_tags.set([tag])
        Popup.objects.create(name="Sin formulario", title="Aviso")

        apps = self.migrate(AFTER)
        Popup = apps.get_model("popups", "Popup")
        SignupForm = apps.get_model("signup_forms", "SignupForm")
        popup = Popup.objects.get(name="Curso de marzo")
        form = popup.signup_form
        self.assertEqual(form.name, "Curso de marzo (ventana emergente)")
        self.assertEqual(form.slug, "curso-de-marzo-2")
        self.assertEqual(form.consent_text, "Acepto recibir novedades de cursos.")
        self.assertEqual(form.thank_you, "¡Gracias!")
        self.assertEqual(form.colour, "#1d4e89")
        self.assertFalse(form.double_opt_in)
        self.assertTrue(form.is_active)
        self.assertEqual([item.name for item in form.lists.all()], ["Novedades"])
        self.assertEqual([item.name for item in form.tags.all()], ["aula"])
        self.assertEqual(
            form.fields,
            [{"key": "first_name", "required": False}, {"key": "last_name", "required": False}],
        )
        self.assertIsNone(Popup.objects.get(name="Sin formulario").signup_form)
        self.assertEqual(SignupForm.objects.count(), 2)
