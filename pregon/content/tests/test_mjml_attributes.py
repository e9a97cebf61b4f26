from django.test import SimpleTestCase

from pregon.content import gallery
from pregon.content.mjmlattributes import inline_attributes
from pregon.content.render import compile_source

SOURCE = """<mjml>
  <mj-head>
    <mj-attributes>
      <mj-all font-family="Arial" padding="1px" />
      <mj-text color="#111111" padding="2px" />
      <mj-class name="big" font-size="30px" color="#222222" />
      <mj-class name="red" color="#ff0000" />
    </mj-attributes>
  </mj-head>
  <mj-body>
    <mj-section><mj-column>
      <mj-text>Default</mj-text>
      <mj-text mj-class="big red">Classes</mj-text>
      <mj-text mj-class="big" color="#333333" padding="3px">Own</mj-text>
      <mj-divider />
    </mj-column></mj-section>
  </mj-body>
</mjml>"""


class InlineAttributesTestCase(SimpleTestCase):
    def test_it_writes_the_defaults_on_each_element_in_mjml_s_order(self) -> None:
        inlined = inline_attributes(SOURCE)
        self.assertNotIn("mj-attributes", inlined)
        self.assertNotIn("mj-class", inlined)
        self.assertIn('<mj-text font-family="Arial" padding="2px" color="#111111">', inlined)
        self.assertIn('color="#222222" font-size="30px">Classes', inlined)
        self.assertIn('padding="3px" color="#333333" font-size="30px">Own', inlined)
        self.assertIn('<mj-divider font-family="Arial" padding="1px" />', inlined)

    def test_the_message_stays_the_same(self) -> None:
        self.assertEqual(
            compile_source(True, inline_attributes(SOURCE), []).html,
            compile_source(True, SOURCE, []).html,
        )

    def test_a_source_without_defaults_is_left_alone(self) -> None:
        source = "<mjml><mj-body><mj-text>x</mj-text></mj-body></mjml>"
        self.assertEqual(inline_attributes(source), source)

    def test_gallery_designs_come_with_their_defaults_written_out(self) -> None:
        brand = {
            "name": "Escuela",
            "logo_url": "",
            "primary_color": "#1d4e89",
            "accent_color": "#f2a900",
            "text_color": "#1f2933",
            "background_color": "#f3f5f8",
            "address": "",
            "website_url": "https://escuela.example.gob.pe",
        }
        for entry in gallery.GALLERY:
            with self.subTest(entry.key):
                source = gallery.instantiate(entry.key, brand, "https://x.example/img")
                self.assertNotIn("<mj-attributes>", source)
                self.assertNotIn("mj-class=", source)
