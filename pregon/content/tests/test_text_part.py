"""The plain-text version made from a template: a table's cells are parted and its rows are
lines; layout tables still read as paragraphs, with no runs of blank lines."""

from pregon.content import gallery, starts
from pregon.content.models import EmailTemplate, Format
from pregon.testing import BaseTestCase

TABLE = """<html><body>
<p>Datos del curso:</p>
<table>
  <tr><th>Fecha</th><th>Tema</th><th></th></tr>
  <tr><td>Inicio</td><td>Lunes 7 de diciembre</td><td>&nbsp;</td></tr>
  <tr>
    <td>Cierre</td>
    <td><a href="https://aula.example.gob.pe/">Aula virtual</a></td>
    <td><b>18</b> de diciembre</td>
    <td> <a href="https://aula.example.gob.pe/ayuda">https://aula.example.gob.pe/ayuda</a></td>
  </tr>
</table>
<table><tr><td><div>Un bloque</div></td><td><div>Otro bloque</div></td></tr></table>
<p><a href="{{ enlace_baja }}">Darte de baja</a></p>
</body></html>"""


class TextPartTestCase(BaseTestCase):
    def saved(self, template: EmailTemplate, source: str) -> str:
        template.set_source(source)
        template.save()
        return template.text

    def test_a_tables_cells_are_parted_and_its_rows_are_lines(self) -> None:
        text = self.saved(EmailTemplate(name="Tabla", format=Format.HTML), TABLE)
        self.assertEqual(
            text,
            "Datos del curso:\n\n"
            "Fecha | Tema\n"
            "Inicio | Lunes 7 de diciembre\n"
            "Cierre | Aula virtual (https://aula.example.gob.pe/) | 18 de diciembre"
            " | https://aula.example.gob.pe/ayuda\n\n"
            "Un bloque\n\nOtro bloque\n\n"
            "Darte de baja ({{ enlace_baja }})\n",
        )

    def test_a_gallery_designs_table_reads_row_by_row(self) -> None:
        template, source = starts.from_gallery(gallery.get("recordatorio"))
        text = self.saved(template, source)
        self.assertIn(
            "Inicio | Lunes 7 de diciembre\n"
            "Sesiones en vivo | Jueves 10 y 17, de 7:00 a 8:30 p. m.\n"
            "Evaluación final | Hasta el viernes 18 de diciembre\n"
            "Tu usuario | {{ email }}\n",
            text,
        )
        self.assertNotIn("\n\n\n", text)
        # Its layout (columns, buttons) is not taken for a table of data.
        self.assertNotRegex(text, r"(^|\n) *\||\| *(\n|$)")
        self.assertIn("\n\nIngresar al aula virtual (", text)

    def test_no_gallery_design_has_runs_of_blank_lines_or_stray_separators(self) -> None:
        for entry in gallery.GALLERY:
            with self.subTest(entry.key):
                template, source = starts.from_gallery(entry)
                text = self.saved(template, source)
                self.assertNotIn("\n\n\n", text)
                self.assertNotIn("|  |", text)
                self.assertNotRegex(text, r"(^|\n) *\||\| *(\n|$)")
