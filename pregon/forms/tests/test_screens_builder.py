"""Building a signup form: its fields in order, lists and topics, consent, emails and
defences; what is refused, with nothing saved; who may build."""

from django.urls import reverse

from pregon.contacts.models import Field, MailingList, Tag
from pregon.content.models import EmailTemplate
from pregon.forms.emails import DEFAULT_NAME
from pregon.forms.models import SignupForm
from pregon.testing import BaseTestCase
from pregon.testing.drafts import sender, template
from pregon.testing.signup_forms import builder_data, make_signup_form

CONFIRMATION_HTML = (
    '<html><body><p><a href="{{ enlace_confirmar }}">Confirmar</a></p>'
    '<p><a href="{{ enlace_baja }}">Baja</a></p></body></html>'
)


class FormCreateTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        self.url = reverse("forms:create")

    def test_the_page_starts_with_double_opt_in_and_the_brand_colour(self) -> None:
        Field.objects.create(key="dni", label="DNI", type="text")
        topic = MailingList.objects.create(
            name="interno-webinars", is_topic=True, public_name="Webinars en vivo"
        )
        response = self.client.get(self.url)
        self.assertTrue(response.context["form"]["double_opt_in"].value())
        self.assertContains(response, 'id="id_double_opt_in" checked')
        self.assertContains(response, 'value="#1d4e89"')  # The brand kit's main colour.
        self.assertContains(response, 'name="ask:field:dni"')
        self.assertContains(response, "Webinars en vivo (topic; list “interno-webinars”)")
        self.assertContains(response, f'value="{topic.pk}"')
        self.assertContains(response, "Create the default confirmation template")

    def test_it_saves_fields_in_order_lists_and_tags_unpublished(self) -> None:
        Field.objects.create(key="dni", label="DNI", type="text")
        courses = MailingList.objects.create(name="Cursos")
        webinars = MailingList.objects.create(
            name="Webinars", is_topic=True, public_name="Webinars"
        )
        tag = Tag.objects.create(name="web")
        data = builder_data(
            **{
                "ask:first_name": "required",
                "position:first_name": "2",
                "ask:phone": "optional",
                "position:phone": "3",
                "ask:field:dni": "required",
                "position:field:dni": "1",
                "ask:last_name": "",
            },
            lists=[str(courses.pk), str(webinars.pk)],
            choose_lists="on",
            tags=[str(tag.pk)],
        )
        response = self.client.post(self.url, data)
        form = SignupForm.objects.get()
        self.assertRedirects(
            response, reverse("forms:preview", args=[form.code]), fetch_redirect_response=False
        )
        self.assertEqual(
            form.fields,
            [
                {"key": "field:dni", "required": True},
                {"key": "first_name", "required": True},
                {"key": "phone", "required": False},
            ],
        )
        self.assertEqual(form.slug, "novedades-de-cursos")
        self.assertEqual(set(form.lists.all()), {courses, webinars})
        self.assertTrue(form.choose_lists)
        self.assertEqual(list(form.tags.all()), [tag])
        self.assertEqual((form.created_by, form.is_active), (self.bob, False))
        self.assertFalse(form.double_opt_in)

    def test_double_opt_in_gets_the_default_confirmation_template(self) -> None:
        identity = sender()
        data = builder_data(
            double_opt_in="on",
            sender=str(identity.pk),
            confirmation_subject="Confirme su suscripción",
        )
        self.client.post(self.url, data)
        form = SignupForm.objects.get()
        template = form.confirmation_template
        self.assertEqual(template.name, DEFAULT_NAME)
        self.assertIn("{{ enlace_confirmar }}", template.source)
        self.assertIn("{{ enlace_confirmar }}", template.html)
        self.assertTrue(template.is_ready, template.checks)
        # A second form reuses it.
        self.client.post(self.url, {**data, "name": "Otro", "slug": "otro"})
        self.assertEqual(EmailTemplate.objects.filter(name=DEFAULT_NAME).count(), 1)
        self.assertEqual(SignupForm.objects.get(slug="otro").confirmation_template, template)

    def test_bad_input_is_refused_with_nothing_saved(self) -> None:
        no_link = template("Sin enlace")
        make_signup_form(slug="tomado")
        cases = [
            ({"consent_text": "  "}, "consent_text", "Write what people consent to"),
            ({"privacy_url": ""}, "privacy_url", "This field is required."),
            ({"slug": "tomado"}, "slug", "Another form already uses this address"),
            ({"colour": "azul"}, "colour", "Write a colour as # and six digits"),
            ({"redirect_url": "ftp://x.example.pe/"}, "redirect_url", "Use an http:// or https://"),
            ({"double_opt_in": "on"}, "sender", "Choose who the emails of this form come from."),
            (
                {"double_opt_in": "on", "confirmation_template": str(no_link.pk)},
                "confirmation_template",
                "This template has no confirmation link",
            ),
            ({"reminder_days": "5", "expire_days": "3"}, "expire_days", "more days than"),
            ({"min_fill_seconds": "90"}, "min_fill_seconds", "60 seconds at most"),
            ({"choose_lists": "on"}, "lists", "Tick the lists people may choose from."),
            ({"welcome_subject": "Bienvenida"}, "welcome_template", "Choose the welcome"),
        ]
        for change, field, message in cases:
            with self.subTest(field=field):
                response = self.client.post(self.url, builder_data(**change))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'id="form-errors"')
                errors = response.context["form"].errors
                self.assertIn(field, errors)
                self.assertIn(message, " ".join(errors[field]))
        self.assertEqual(SignupForm.objects.count(), 1)

    def test_a_posted_row_keeps_its_choice_when_refused(self) -> None:
        response = self.client.post(
            self.url, builder_data(consent_text="", **{"ask:phone": "required"})
        )
        rows = {row.key: row for row in response.context["rows"]}
        self.assertEqual(rows["phone"].ask, "required")
        self.assertContains(response, '<option value="required" selected>')

    def test_analysts_may_not_build(self) -> None:
        form = make_signup_form()
        self.client.force_login(self.charlie)
        for url in (self.url, reverse("forms:edit", args=[form.code])):
            self.assertEqual(self.client.get(url).status_code, 403, url)
            self.assertEqual(self.client.post(url, builder_data()).status_code, 403, url)
        self.assertEqual(SignupForm.objects.count(), 1)


class FormEditTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.form = make_signup_form(
            fields=[
                {"key": "last_name", "required": True},
                {"key": "first_name", "required": False},
            ]
        )
        self.client.force_login(self.bob)
        self.url = reverse("forms:edit", args=[self.form.code])

    def test_the_rows_show_the_fields_asked_first_in_their_order(self) -> None:
        response = self.client.get(self.url)
        rows = [(row.key, row.ask, row.position) for row in response.context["rows"]]
        self.assertEqual(
            rows,
            [
                ("last_name", "required", 1),
                ("first_name", "optional", 2),
                ("phone", "", 103),
            ],
        )

    def test_the_saved_form_shows_beside_it(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'src="/f/novedades?vista_previa=1" id="side-preview"')
        new = self.client.get(reverse("forms:create"))
        self.assertNotContains(new, 'id="side-preview"')

    def test_editing_saves_the_changes(self) -> None:
        response = self.client.post(
            self.url,
            builder_data(name="Novedades 2027", slug="novedades", thank_you="¡Gracias!"),
        )
        self.assertRedirects(response, self.url)
        self.form.refresh_from_db()
        self.assertEqual(
            (self.form.name, self.form.slug, self.form.thank_you),
            ("Novedades 2027", "novedades", "¡Gracias!"),
        )
        self.assertEqual(self.form.fields, [{"key": "first_name", "required": False}])

    def test_an_unknown_form_is_a_404(self) -> None:
        url = reverse("forms:edit", args=["00000000-0000-0000-0000-000000000000"])
        self.assertEqual(self.client.get(url).status_code, 404)
