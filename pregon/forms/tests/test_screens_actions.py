"""A signup form's buttons: publish and withdraw (audited), duplicate, delete (refused while
a pop-up shows it), and who may press them."""

from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Contact, MailingList, Status, Tag
from pregon.forms.models import Signup, SignupForm
from pregon.popups.models import Popup
from pregon.testing import BaseTestCase
from pregon.testing.signup_forms import make_signup_form


class FormActionsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.form = make_signup_form(is_active=False)
        self.client.force_login(self.bob)

    def url(self, name: str) -> str:
        return reverse(f"forms:{name}", args=[self.form.code])

    def test_publishing_and_withdrawing_are_audited(self) -> None:
        response = self.client.post(self.url("publish"))
        self.assertRedirects(response, self.url("edit"))
        self.form.refresh_from_db()
        self.assertTrue(self.form.is_active)
        response = self.client.post(self.url("unpublish"), {"next": "preview"})
        self.assertRedirects(response, self.url("preview"), fetch_redirect_response=False)
        self.form.refresh_from_db()
        self.assertFalse(self.form.is_active)
        entries = AuditEntry.objects.filter(action=AuditAction.FORM_CHANGED).order_by("at", "pk")
        self.assertEqual([entry.detail["change"] for entry in entries], ["published", "withdrawn"])
        self.assertEqual({entry.actor for entry in entries}, {self.bob})
        # Withdrawing again changes nothing and records nothing.
        self.client.post(self.url("unpublish"))
        self.assertEqual(entries.count(), 2)

    def test_a_get_never_publishes(self) -> None:
        self.assertEqual(self.client.get(self.url("publish")).status_code, 405)
        self.form.refresh_from_db()
        self.assertFalse(self.form.is_active)

    def test_duplicating_makes_an_unpublished_copy_at_a_free_address(self) -> None:
        courses = MailingList.objects.create(name="Cursos")
        tag = Tag.objects.create(name="web")
        self.form.lists.set([courses])
        self.form.tags.set([tag])
        self.form.is_active = True
        self.form.save()
        response = self.client.post(self.url("duplicate"))
        copy = SignupForm.objects.exclude(pk=self.form.pk).get()
        self.assertRedirects(response, reverse("forms:edit", args=[copy.code]))
        self.assertEqual(copy.name, "Copy of Novedades de cursos")
        self.assertEqual(copy.slug, "novedades-copia")
        self.assertFalse(copy.is_active)
        self.assertEqual((list(copy.lists.all()), list(copy.tags.all())), ([courses], [tag]))
        self.assertEqual(copy.consent_text, self.form.consent_text)
        self.client.post(self.url("duplicate"))
        self.assertTrue(SignupForm.objects.filter(slug="novedades-copia-2").exists())

    def test_deleting_asks_first_and_is_audited(self) -> None:
        confirm = self.client.get(self.url("delete"))
        self.assertContains(confirm, "Delete the form “Novedades de cursos”")
        self.assertTrue(SignupForm.objects.exists())
        response = self.client.post(self.url("delete"))
        self.assertRedirects(response, reverse("forms:index"))
        self.assertFalse(SignupForm.objects.exists())
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual(
            (entry.target, entry.detail), ("Novedades de cursos", {"kind": "signup form"})
        )

    def test_deleting_takes_only_people_pending_through_it_alone(self) -> None:
        other = make_signup_form(slug="otro")
        alone = Contact.objects.create(email="sola@example.pe", status=Status.PENDING)
        both = Contact.objects.create(email="ambos@example.pe", status=Status.PENDING)
        confirmed = Contact.objects.create(email="confirmo@example.pe")
        for form, contact in [
            (self.form, alone),
            (self.form, both),
            (other, both),
            (self.form, confirmed),
        ]:
            Signup.objects.create(
                form=form, contact=contact, email=contact.email, consent_text="Acepto."
            )
        self.client.post(self.url("delete"))
        self.assertEqual(
            set(Contact.objects.values_list("email", flat=True)),
            {"ambos@example.pe", "confirmo@example.pe"},
        )
        self.assertEqual(Signup.objects.get().form, other)

    def test_a_form_a_popup_shows_is_not_deleted(self) -> None:
        Popup.objects.create(name="Curso de marzo", title="Nuevo curso", signup_form=self.form)
        for method in ("get", "post"):
            response = getattr(self.client, method)(self.url("delete"), follow=True)
            self.assertContains(response, "The pop-ups “Curso de marzo” show this form")
        self.assertTrue(SignupForm.objects.filter(pk=self.form.pk).exists())

    def test_analysts_may_not_press_them(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url("delete")).status_code, 403)
        for name in ("publish", "unpublish", "duplicate", "delete"):
            self.assertEqual(self.client.post(self.url(name)).status_code, 403, name)
        self.assertEqual(SignupForm.objects.count(), 1)
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.FORM_CHANGED).exists())
