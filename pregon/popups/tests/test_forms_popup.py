"""PopupForm and save_popup, as the screens and the API use them: what is accepted, how it
is stored, and each bad input refused with a plain message and nothing saved. Forms used
outside a request speak the installation's language, Spanish, as the API's answers do."""

import datetime

from django.urls import reverse

from pregon.contacts.models import Segment
from pregon.popups.forms import PopupForm, save_popup
from pregon.popups.models import Popup
from pregon.testing import BaseTestCase
from pregon.testing.signup_forms import make_signup_form

UTC = datetime.UTC


def valid_data(**changes: object) -> dict:
    data = {
        "name": "Curso de marzo",
        "priority": "10",
        "format": "modal",
        "title": "Nuevo curso",
        "body": "<p>Inscríbase</p>",
        "button_text": "Inscribirme",
        "button_url": "https://aula.example.pe/enrol/index.php?id=12",
        "background_color": "#ffffff",
        "text_color": "#1f2933",
        "button_color": "#1d4e89",
        "hour_from": "0",
        "hour_to": "24",
        "trigger": "load",
        "trigger_value": "0",
        "login_state": "any",
        "avoid_quiz": "on",
        "audience": "all",
        "device": "any",
        "frequency": "session",
        "frequency_value": "1",
        "after_action": "never",
        "after_action_days": "30",
    }
    data.update(changes)
    return data


class PopupFormTestCase(BaseTestCase):
    def errors(self, **changes: object) -> dict:
        form = PopupForm(data=valid_data(**changes))
        self.assertFalse(form.is_valid())
        return form.errors

    def test_a_valid_form_saves_the_popup_as_a_draft_of_its_author(self) -> None:
        form = PopupForm(data=valid_data())
        self.assertTrue(form.is_valid(), form.errors)
        popup = save_popup(form, self.bob)
        self.assertEqual(popup.created_by, self.bob)
        self.assertFalse(popup.is_published)
        self.assertEqual(popup.title, "Nuevo curso")

    def test_dates_are_read_in_lima_time(self) -> None:
        form = PopupForm(data=valid_data(starts_at="2026-03-01T08:00", ends_at="2026-03-15T18:30"))
        self.assertTrue(form.is_valid(), form.errors)
        popup = save_popup(form, self.bob)
        self.assertEqual(popup.starts_at, datetime.datetime(2026, 3, 1, 13, 0, tzinfo=UTC))
        self.assertEqual(popup.ends_at, datetime.datetime(2026, 3, 15, 23, 30, tzinfo=UTC))
        # And shown again in Lima time when the form is opened.
        html = str(PopupForm(instance=popup)["starts_at"])
        self.assertIn('value="2026-03-01T08:00"', html)

    def test_lists_come_as_lists_or_as_text(self) -> None:
        form = PopupForm(
            data=valid_data(
                weekdays=[0, 4],
                course_ids="12, 15 15",
                category_ids=[3],
                page_types=["course", "activity"],
                include_urls=["/course/view.php?id=*", "https://aula.example.pe/mod/*"],
                exclude_urls="/login/*\n\n/mod/quiz/*\n",
            )
        )
        self.assertTrue(form.is_valid(), form.errors)
        popup = save_popup(form, None)
        popup.refresh_from_db()
        self.assertEqual(popup.weekdays, [0, 4])
        self.assertEqual(popup.course_ids, [12, 15])
        self.assertEqual(popup.category_ids, [3])
        self.assertEqual(popup.page_types, ["course", "activity"])
        self.assertEqual(popup.include_urls, "/course/view.php?id=*\nhttps://aula.example.pe/mod/*")
        self.assertEqual(popup.exclude_urls, "/login/*\n/mod/quiz/*")

    def test_an_end_before_the_start_is_refused(self) -> None:
        errors = self.errors(starts_at="2026-03-15T08:00", ends_at="2026-03-01T08:00")
        self.assertEqual(errors["ends_at"], ["El fin debe ser posterior al inicio."])

    def test_an_invalid_address_pattern_is_refused_with_its_line(self) -> None:
        errors = self.errors(include_urls="/course/*\ncourse/view.php\n/a b")
        self.assertEqual(len(errors["include_urls"]), 2)
        self.assertIn("Línea 2 («course/view.php»)", errors["include_urls"][0])
        self.assertIn("empiécela con «/»", errors["include_urls"][0])
        self.assertIn("Línea 3", errors["include_urls"][1])
        self.assertIn("un espacio", errors["include_urls"][1])

    def test_too_long_or_too_many_patterns_are_refused(self) -> None:
        errors = self.errors(exclude_urls="/" + "a" * 300)
        self.assertIn("tiene más de 300 caracteres", errors["exclude_urls"][0])
        errors = self.errors(exclude_urls="\n".join(f"/p{i}" for i in range(51)))
        self.assertEqual(errors["exclude_urls"], ["Escriba 50 direcciones como máximo; hay 51."])

    def test_code_in_the_text_is_refused_not_cleaned_away(self) -> None:
        cases = {
            "<p>Hola</p><script>alert(1)</script>": "<script>",
            "<p>Hola</p><SCRIPT src=//x.example/a.js></SCRIPT>": "<script>",
            '<p onclick="steal()">Hola</p>': "«onclick»",
            '<img src=x onerror="steal()">': "«onerror»",
            '<a href="javascript:steal()">Hola</a>': "javascript:steal()",
            '<a href="&#106;avascript:steal()">Hola</a>': "javascript:steal()",
            '<iframe src="https://x.example"></iframe>': "<iframe>",
        }
        for body, named in cases.items():
            with self.subTest(body):
                errors = self.errors(body=body)
                self.assertIn(named, " ".join(errors["body"]))

    def test_allowed_html_is_kept_and_the_rest_cleaned(self) -> None:
        form = PopupForm(
            data=valid_data(
                body='<div class="x"><h2>Hola</h2><p style="color:red">Curso '
                '<strong>gratis</strong> <a href="https://aula.example.pe/" target="_blank">'
                "aquí</a></p></div>"
            )
        )
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(
            form.cleaned_data["body"],
            'Hola<p>Curso <strong>gratis</strong> <a href="https://aula.example.pe/" '
            'rel="noopener noreferrer">aquí</a></p>',
        )

    def test_colours_must_be_hex_and_default_to_the_brand_kit(self) -> None:
        errors = self.errors(button_color="red")
        self.assertEqual(
            errors["button_color"], ["Escriba un color como # y seis dígitos, por ejemplo #1d4e89."]
        )
        form = PopupForm(data=valid_data(button_color="", text_color="#ABCDEF"))
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["button_color"], "#1d4e89")
        self.assertEqual(form.cleaned_data["text_color"], "#abcdef")

    def test_hours_must_end_after_they_start(self) -> None:
        errors = self.errors(hour_from="18", hour_to="8")
        self.assertEqual(
            errors["hour_to"],
            ["Las horas deben terminar después de empezar, por ejemplo de 8 a 18."],
        )
        self.assertIn("hour_to", self.errors(hour_from="0", hour_to="25"))

    def test_trigger_values_have_bounds(self) -> None:
        self.assertEqual(
            self.errors(trigger="delay", trigger_value="0")["trigger_value"],
            ["Escriba de 1 a 600 segundos."],
        )
        self.assertEqual(
            self.errors(trigger="scroll", trigger_value="101")["trigger_value"],
            ["Escriba de 1 a 100 por ciento."],
        )
        form = PopupForm(data=valid_data(trigger="exit", trigger_value="40"))
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["trigger_value"], 0)

    def test_a_segment_needs_the_known_audience(self) -> None:
        segment = Segment.objects.create(name="Docentes", rules={"all": []})
        errors = self.errors(segment=str(segment.pk), audience="all")
        self.assertIn("Solo visitantes conocidos como contactos", errors["segment"][0])
        form = PopupForm(data=valid_data(segment=str(segment.pk), audience="known"))
        self.assertTrue(form.is_valid(), form.errors)

    def test_frequency_needs_a_number(self) -> None:
        errors = self.errors(frequency="days", frequency_value="0")
        self.assertEqual(errors["frequency_value"], ["Escriba un número desde 1."])

    def test_it_shows_one_of_the_signup_forms(self) -> None:
        signup_form = make_signup_form()
        form = PopupForm(data=valid_data(signup_form=str(signup_form.pk)))
        self.assertTrue(form.is_valid(), form.errors)
        popup = save_popup(form, self.bob)
        self.assertEqual(popup.signup_form, signup_form)
        self.assertIn(signup_form.name, str(PopupForm()["signup_form"]))
        errors = self.errors(signup_form="999999")
        self.assertIn("signup_form", errors)
        make_signup_form(name="Borrador", slug="borrador", is_active=False)
        self.assertIn(
            "Borrador (sin publicar: la ventana emergente no muestra ningún formulario hasta "
            "que lo esté)",
            str(PopupForm()["signup_form"]),
        )

    def test_a_button_needs_text_and_link(self) -> None:
        errors = self.errors(button_text="Inscribirme", button_url="")
        self.assertEqual(errors["button_url"], ["Un botón necesita su texto y su enlace."])
        self.assertIn("button_url", self.errors(button_url="javascript:alert(1)"))
        self.assertIn("image_url", self.errors(image_url="http://x.example/a.png"))

    def test_bad_input_through_the_screen_saves_nothing_and_says_why_in_spanish(self) -> None:
        self.use_spanish()
        self.client.force_login(self.bob)
        url = reverse("popups:create", args=["curso"])
        cases = [
            valid_data(starts_at="2026-03-15T08:00", ends_at="2026-03-01T08:00"),
            valid_data(include_urls="curso/*"),
            valid_data(body="<script>alert(1)</script>"),
        ]
        expected = [
            "El fin debe ser posterior al inicio.",
            "empiécela con «/»",
            "Quite la etiqueta &lt;script&gt;",
        ]
        for data, message in zip(cases, expected, strict=True):
            with self.subTest(message):
                response = self.client.post(url, data)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
                self.assertContains(response, "No se guardó nada")
        self.assertFalse(Popup.objects.exists())
