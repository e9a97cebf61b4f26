"""UTM tags go on a mailing's web links once, when its links are prepared."""

from django.test import SimpleTestCase

from pregon.sending.links import prepare
from pregon.sending.utm import Utm

UTM = Utm(source="pregon", medium="email", campaign="curso-de-diciembre")
HTML = (
    "<html><body>"
    '<a href="https://aula.example.gob.pe/curso?id=7&amp;utm_source=moodle#inicio">Curso</a> '
    '<a href="https://escuela.example.pe/">Web</a> '
    '<a href="https://x.example/{{ email }}">Ficha</a> <a href="{{ enlace_baja }}">Baja</a>'
    "</body></html>"
)


class UtmTestCase(SimpleTestCase):
    def test_tracked_links_are_stored_with_the_tags_after_their_own_parameters(self) -> None:
        html, urls = prepare(HTML, clicks=True, opens=False, utm=UTM)
        self.assertEqual(
            urls,
            [
                # A utm_ the link already had is kept, and so is its fragment.
                "https://aula.example.gob.pe/curso?id=7&utm_source=moodle"
                "&utm_medium=email&utm_campaign=curso-de-diciembre#inicio",
                "https://escuela.example.pe/?utm_source=pregon&utm_medium=email"
                "&utm_campaign=curso-de-diciembre",
            ],
        )
        # Links that differ per person are neither tracked nor tagged.
        self.assertIn('href="https://x.example/{{ email }}"', html)
        self.assertIn('href="{{ enlace_baja }}"', html)

    def test_untracked_links_get_the_tags_in_the_html(self) -> None:
        html, urls = prepare(HTML, clicks=False, opens=False, utm=UTM)
        self.assertEqual(urls, [])
        self.assertIn(
            'href="https://aula.example.gob.pe/curso?id=7&amp;utm_source=moodle&amp;'
            'utm_medium=email&amp;utm_campaign=curso-de-diciembre#inicio"',
            html,
        )

    def test_each_link_may_be_named_by_its_position(self) -> None:
        utm = Utm(source="pregon", medium="email", campaign="c", content_per_link=True)
        _html, urls = prepare(HTML, clicks=True, opens=False, utm=utm)
        self.assertTrue(urls[0].endswith("&utm_content=enlace-1#inicio"))
        self.assertTrue(urls[1].endswith("&utm_content=enlace-2"))

    def test_without_tags_links_stay_as_written(self) -> None:
        _html, urls = prepare(HTML, clicks=True, opens=False)
        self.assertEqual(urls[1], "https://escuela.example.pe/")
        self.assertEqual(prepare(HTML, clicks=False, opens=False), (HTML, []))
