"""The merge-tag language: what is refused at save time, and how values are rendered."""

from django.test import SimpleTestCase
from django.utils import translation

from pregon.contacts.models import Contact
from pregon.content.mergetags import problems
from pregon.content.render import InvalidTemplate, Personaliser, context_for


def render_html(source: str, **values: str) -> str:
    return Personaliser("", source, "").render(values).html


class MergeTagProblemsTestCase(SimpleTestCase):
    def setUp(self) -> None:
        # Messages are asserted in English, whatever language an earlier test left active.
        self.enterContext(translation.override("en"))

    def assertRefused(self, source: str, line: int, words: str) -> None:
        found = problems(source, known_names=["curso"])
        self.assertEqual(len(found), 1, found)
        self.assertEqual(found[0].line, line)
        self.assertIn(words, found[0].message)

    def test_it_accepts_names_aliases_fields_filters_and_conditions(self) -> None:
        source = (
            '{{ nombre | default("colega") }} {{ first_name }} {{ curso | upper }}\n'
            "{% if apellido %}{{ apellido | title }}{% else %}—{% endif %} {{ enlace_baja }}"
        )
        self.assertEqual(problems(source, known_names=["curso"]), [])

    def test_it_names_the_line_of_a_syntax_error(self) -> None:
        self.assertRefused("Hola\n\n{{ nombre }\n", 3, "not written correctly")

    def test_it_refuses_an_unknown_field(self) -> None:
        self.assertRefused("Hola\n{{ apelido }}", 2, "there is no field “apelido”")

    def test_it_refuses_attribute_access(self) -> None:
        self.assertRefused("{{ nombre.__class__.__mro__ }}", 1, "parts cannot be read")

    def test_it_refuses_item_access(self) -> None:
        self.assertRefused("{{ nombre['__class__'] }}", 1, "parts cannot be read")

    def test_it_refuses_loops(self) -> None:
        self.assertRefused("x\n{% for i in range(999999999) %}{{ i }}{% endfor %}", 2, "loops")

    def test_it_refuses_arithmetic_that_builds_huge_strings(self) -> None:
        self.assertRefused("{{ 'x' * 999999999 }}", 1, "only merge tags")

    def test_it_refuses_imports_and_includes(self) -> None:
        self.assertRefused("{% import 'os' as os %}", 1, "include other templates")
        self.assertRefused("{% include 'base.html' %}", 1, "include other templates")
        self.assertRefused("{% extends 'base.html' %}", 1, "include other templates")

    def test_it_refuses_calls_and_assignments(self) -> None:
        self.assertRefused("{{ lipsum() }}", 1, "only merge tags")
        self.assertRefused("{% set x = 1 %}", 1, "only merge tags")

    def test_it_refuses_an_unknown_filter(self) -> None:
        self.assertRefused("{{ nombre | attr('x') }}", 1, "the filter “attr” does not exist")

    def test_it_says_it_in_spanish(self) -> None:
        with translation.override("es"):
            found = problems("\n{{ apelido }}", known_names=[])
            self.assertIn("Línea 2: no hay ningún campo “apelido”", str(found[0]))


class SandboxTestCase(SimpleTestCase):
    """Even a template that skipped the save-time checks cannot leave the sandbox."""

    def test_it_refuses_python_internals_before_rendering(self) -> None:
        with translation.override("en"):
            with self.assertRaisesMessage(InvalidTemplate, "The HTML cannot be sent: Line 1:"):
                render_html("{{ nombre.__class__.__subclasses__() }}", nombre="x")

    def test_it_has_no_globals_to_call(self) -> None:
        self.assertEqual(render_html("{{ range }}{{ lipsum }}{{ cycler }}"), "")


class PersonaliseTestCase(SimpleTestCase):
    def test_it_escapes_contact_data_in_html_but_not_in_text(self) -> None:
        personaliser = Personaliser("Hola {{ nombre }}", "<p>{{ nombre }}</p>", "{{ nombre }}")
        rendered = personaliser.render({"nombre": "<b>Ana</b> & Co"})
        self.assertEqual(rendered.html, "<p>&lt;b&gt;Ana&lt;/b&gt; &amp; Co</p>")
        self.assertEqual(rendered.text, "<b>Ana</b> & Co")
        self.assertEqual(rendered.subject, "Hola <b>Ana</b> & Co")

    def test_the_fallback_applies_to_empty_values(self) -> None:
        source = '{{ nombre | default("colega") }}/{{ nombre | d("x") }}'
        self.assertEqual(render_html(source, nombre=""), "colega/x")
        self.assertEqual(render_html(source, nombre="Rosa"), "Rosa/Rosa")
        self.assertEqual(render_html(source), "colega/x")
        self.assertEqual(render_html('{{ nota | default("-") }}', nota=0), "0")

    def test_text_filters_take_numbers_and_yes_no_values(self) -> None:
        source = "{{ horas | upper }} {{ colegiado | title }} {{ nota | trim }}"
        self.assertEqual(render_html(source, horas=40, colegiado=True, nota=17.5), "40 True 17.5")

    def test_a_subject_stays_on_one_line(self) -> None:
        rendered = Personaliser("Hola {{ nombre }}", "", "").render({"nombre": "Ana\r\nBcc: x"})
        self.assertEqual(rendered.subject, "Hola Ana Bcc: x")

    def test_a_contact_fills_spanish_names_english_aliases_and_fields(self) -> None:
        contact = Contact(
            email="rosa@example.org",
            first_name="Rosa",
            last_name="Huamán",
            phone="+51911111111",
            attributes={"curso": "SIAF"},
        )
        context = context_for(contact, "https://x.example/baja/1", ["curso", "entidad"])
        source = (
            "{{ nombre }} {{ first_name }} {{ apellido }} {{ last_name }} {{ nombre_completo }} "
            "{{ email }} {{ correo }} {{ telefono }} {{ curso }} [{{ entidad }}] "
            "{{ unsubscribe_url }}"
        )
        self.assertEqual(
            render_html(source, **context),
            "Rosa Rosa Huamán Huamán Rosa Huamán rosa@example.org rosa@example.org "
            "+51911111111 SIAF [] https://x.example/baja/1",
        )
