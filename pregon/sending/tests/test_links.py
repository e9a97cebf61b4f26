from django.test import SimpleTestCase

from pregon.sending.links import prepare

HTML = (
    "<html><body>"
    '<a href="https://aula.example.gob.pe/c?id=1&amp;m=2" class="b">Curso</a> '
    '<a href="mailto:a@b.pe">a</a> <a href="{{ enlace_baja }}">Baja</a> '
    '<a href="https://x.example/{{ email }}">Ficha</a> <A HREF="http://x.example/y">Y</A>'
    "</body></html>"
)


class PrepareTestCase(SimpleTestCase):
    def test_web_links_become_tags_and_the_pixel_goes_before_the_end(self) -> None:
        html, urls = prepare(HTML, clicks=True, opens=True)
        self.assertEqual(urls, ["https://aula.example.gob.pe/c?id=1&m=2", "http://x.example/y"])
        self.assertIn('<a href="{{ tracking_link_0 }}" class="b">Curso</a>', html)
        self.assertIn('<A HREF="{{ tracking_link_1 }}">Y</A>', html)
        # Mail and phone links, merge tags and links that differ per person stay as they are.
        self.assertIn('href="mailto:a@b.pe"', html)
        self.assertIn('href="{{ enlace_baja }}"', html)
        self.assertIn('href="https://x.example/{{ email }}"', html)
        self.assertTrue(html.endswith('border:0;margin:0;padding:0"></body></html>'))
        self.assertIn('src="{{ tracking_open }}"', html)

    def test_switched_off_nothing_changes(self) -> None:
        self.assertEqual(prepare(HTML, clicks=False, opens=False), (HTML, []))
