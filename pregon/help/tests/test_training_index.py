"""Help > Training: the list of tutorials, built or not, with each user's "watched"
marks, and the search over their titles and narration."""

from django.urls import reverse

from pregon.help.models import WatchedTutorial
from pregon.testing.training import BUILT, NOT_BUILT, TrainingTestCase

URL = reverse("help:training_index")


class TrainingIndexTestCase(TrainingTestCase):
    def card(self, html: str, slug: str) -> str:
        return html.split(f'data-tutorial="{slug}"', 1)[1].split('<div class="col">', 1)[0]

    def test_anonymous_visitors_must_log_in(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_the_help_hub_leads_to_it(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("help:index"))
        self.assertContains(response, f'href="{URL}"')

    def test_every_role_sees_every_tutorial_in_order(self) -> None:
        for user in (self.alice, self.bob, self.charlie):
            self.client.force_login(user)
            html = self.client.get(URL).content.decode()
            self.assertLess(html.index("1. Primeros pasos"), html.index("2. Campañas"))
            self.assertIn("Entrar a Pregón y leer el tablero de inicio.", html)

    def test_a_built_tutorial_shows_its_poster_and_duration(self) -> None:
        self.client.force_login(self.charlie)
        card = self.card(self.client.get(URL).content.decode(), BUILT)
        poster = reverse("help:training_media", args=[BUILT, "poster.jpg"])
        self.assertIn(f'src="{poster}?v=', card)
        self.assertIn("0:04 min", card)
        self.assertIn("2 chapters", card)
        self.assertIn("<li>El tablero</li><li>Sus contactos</li>", card)
        self.assertNotIn("Video not built yet", card)

    def test_a_tutorial_not_built_says_so_and_how_to_build_it(self) -> None:
        self.client.force_login(self.charlie)
        html = self.client.get(URL).content.decode()
        card = self.card(html, NOT_BUILT)
        self.assertIn("Video not built yet", card)
        self.assertIn("1 chapter", card)
        self.assertNotIn("<img", card)
        self.assertNotIn(" min<", card)
        note = html.split('id="training-build-note"', 1)[1].split("</div>", 1)[0]
        self.assertIn("1 video is not built yet", note)
        self.assertIn("<code>make tutorials</code>", note)

    def test_when_every_video_is_built_there_is_no_note(self) -> None:
        (self.var_dir / "tutorials" / NOT_BUILT).mkdir(exist_ok=True)
        manifest = (self.var_dir / "tutorials" / BUILT / "manifest.json").read_text()
        copy = self.var_dir / "tutorials" / NOT_BUILT / "manifest.json"
        copy.write_text(manifest.replace(BUILT, NOT_BUILT))
        self.addCleanup(copy.unlink)
        self.client.force_login(self.charlie)
        response = self.client.get(URL)
        self.assertNotContains(response, "Video not built yet")
        self.assertNotContains(response, 'id="training-build-note"')

    def test_each_user_sees_their_own_watched_marks(self) -> None:
        WatchedTutorial.objects.create(user=self.bob, slug=BUILT)
        self.client.force_login(self.bob)
        html = self.client.get(URL).content.decode()
        self.assertIn("training-watched", self.card(html, BUILT))
        self.assertNotIn("training-watched", self.card(html, NOT_BUILT))
        self.assertIn("You have watched 1 of 2 tutorials.", html)
        self.client.force_login(self.charlie)
        response = self.client.get(URL)
        self.assertNotContains(response, "training-watched")
        self.assertContains(response, "You have watched 0 of 2 tutorials.")

    def test_search_ignores_accents_and_case(self) -> None:
        self.client.force_login(self.charlie)
        for query in ("campana", "CAMPAÑA", "Campañas"):
            with self.subTest(query):
                hits = self.hits(query)
                self.assertEqual(hits.count("data-tutorial="), 1)
                self.assertIn(f'data-tutorial="{NOT_BUILT}"', hits)

    def test_search_finds_words_of_the_narration_and_links_to_their_chapter(self) -> None:
        self.client.force_login(self.charlie)
        hits = self.hits("junin")
        chapter = reverse("help:training_tutorial", args=[BUILT]) + "#capitulo-2"
        self.assertIn(f'href="{chapter}"', hits)
        self.assertIn("Primeros pasos \u203a Sus contactos", hits)
        self.assertIn("como Junín.", hits)

    def test_every_word_of_a_search_must_be_found(self) -> None:
        self.client.force_login(self.charlie)
        self.assertIn(f'data-tutorial="{NOT_BUILT}"', self.hits("prueba programarla"))
        hits = self.hits("prueba tablero")
        self.assertEqual(hits.count("data-tutorial="), 0)
        self.assertIn("0 tutorials mention", hits)
        self.assertIn("Try other words", hits)

    def test_a_search_is_shown_escaped(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(URL, {"q": "<b>tablero</b>"})
        self.assertNotContains(response, "<b>tablero</b>")
        self.assertContains(response, "&lt;b&gt;tablero&lt;/b&gt;")

    def test_spanish(self) -> None:
        self.use_spanish()
        self.client.force_login(self.charlie)
        response = self.client.get(URL, {"q": "tablero"})
        self.assertContains(response, "Capacitación")
        self.assertContains(response, "Video aún no generado")
        self.assertContains(response, "1 tutorial menciona «tablero»")
        self.assertContains(response, "Ha visto 0 de 2 tutoriales.")

    def hits(self, query: str) -> str:
        html = self.client.get(URL, {"q": query}).content.decode()
        return html.split('id="training-hits"', 1)[1].split("</section>", 1)[0]
