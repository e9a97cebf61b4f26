"""Searching the manual: titles, headings and text, whatever the accents and the case, each
result leading to its section with the words found around it."""

from django.urls import reverse

from pregon.testing import BaseTestCase

SEARCH = reverse("help:manual_search")


class ManualSearchTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.charlie)

    def results(self, query: str) -> str:
        response = self.client.get(SEARCH, {"q": query})
        self.assertEqual(response.status_code, 200)
        return response.content.decode().split('id="manual-results"', 1)[1]

    def test_a_heading_is_found_without_its_accents_and_leads_to_it(self) -> None:
        results = self.results("LIMITE DE FRECUENCIA")
        first = results.split("</a>", 1)[0]
        self.assertIn('href="/ayuda/manual/campanas/#límite-de-frecuencia"', first)
        self.assertIn("<mark>límite de frecuencia</mark>", first.lower())

    def test_words_of_the_text_are_found_anywhere_in_a_section(self) -> None:
        # Both words in the body of the import page's first step, not in its heading.
        results = self.results("suba archivo")
        self.assertIn('href="/ayuda/manual/importar/#paso-1-suba-el-archivo"', results)

    def test_the_query_is_shown_escaped(self) -> None:
        response = self.client.get(SEARCH, {"q": "<script>alert(1)</script>"})
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, 'id="manual-no-results"')

    def test_no_query_shows_only_the_search_box(self) -> None:
        response = self.client.get(SEARCH)
        self.assertContains(response, 'id="manual-search"')
        self.assertNotContains(response, 'id="manual-results"')

    def test_it_counts_the_sections_found_in_spanish(self) -> None:
        self.use_spanish()
        response = self.client.get(SEARCH, {"q": "supresión"})
        self.assertContains(response, "secciones del manual mencionan «supresión».")
