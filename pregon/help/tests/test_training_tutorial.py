"""A tutorial's page: its video with captions, chapters and speeds when it is built, its
transcript always; and the "?" of each screen that leads to the chapter about it."""

import re

from django.urls import reverse

from pregon.help.models import WatchedTutorial
from pregon.help.tutorials import script
from pregon.testing.training import BUILT, CAPTIONS, NOT_BUILT, SCRIPTS, TrainingTestCase


def url(slug: str) -> str:
    return reverse("help:training_tutorial", args=[slug])


def media(name: str) -> str:
    return reverse("help:training_media", args=[BUILT, name])


class TrainingTutorialTestCase(TrainingTestCase):
    def test_anonymous_visitors_must_log_in(self) -> None:
        response = self.client.get(url(BUILT))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_an_unknown_tutorial_is_not_found(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(url("no-existe")).status_code, 404)

    def test_a_built_tutorial_plays_with_captions_on_and_chapters(self) -> None:
        self.client.force_login(self.charlie)
        html = self.client.get(url(BUILT)).content.decode()
        video = html.split("<video", 1)[1].split("</video>", 1)[0]
        self.assertRegex(video, rf'poster="{media("poster.jpg")}\?v=[^"]+"')
        sources = re.findall(r'<source src="([^"?]+)\?v=[^"]+" type="([^"]+)"', video)
        self.assertEqual(
            sources, [(media("video.webm"), "video/webm"), (media("video.mp4"), "video/mp4")]
        )
        captions = rf'<track kind="captions" srclang="es" [^>]*src="{media("captions.vtt")}'
        self.assertRegex(video, captions + "[^>]*default>")
        self.assertRegex(video, rf'<track kind="chapters" [^>]*src="{media("chapters.vtt")}')
        self.assertIn('<script src="/static/js/training.js">', html)

    def test_it_says_when_the_video_was_made_in_lima_s_time(self) -> None:
        self.use_spanish()
        self.client.force_login(self.charlie)
        response = self.client.get(url(BUILT))
        self.assertContains(response, "0:04 min · voz: espeak-ng es-419 · hecho el 05/12/2026")

    def test_playback_speeds_go_from_three_quarters_to_double(self) -> None:
        self.client.force_login(self.charlie)
        html = self.client.get(url(BUILT)).content.decode()
        self.assertEqual(
            re.findall(r'data-speed="([^"]+)"', html), ["0.75", "1", "1.25", "1.5", "2"]
        )

    def test_each_chapter_links_to_its_start(self) -> None:
        self.client.force_login(self.charlie)
        html = self.client.get(url(BUILT)).content.decode()
        chapters = html.split('id="tutorial-chapters"', 1)[1].split("</nav>", 1)[0]
        self.assertEqual(
            re.findall(r'href="(#capitulo-\d)" data-start="([\d.]+)">([^<]+)<', chapters),
            [("#capitulo-1", "0.000", "El tablero"), ("#capitulo-2", "2.000", "Sus contactos")],
        )
        self.assertIn('id="capitulo-2" data-start="2.000"', html)

    def test_the_transcript_says_every_step(self) -> None:
        self.client.force_login(self.charlie)
        html = self.client.get(url(BUILT)).content.decode()
        transcript = html.split('id="tutorial-transcript"', 1)[1].split("</section>", 1)[0]
        positions = [transcript.index(cue.text) for cue in CAPTIONS]
        self.assertEqual(positions, sorted(positions))

    def test_a_tutorial_not_built_shows_its_transcript_and_how_to_build_it(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(url(NOT_BUILT))
        self.assertNotContains(response, "<video")
        self.assertNotContains(response, "training.js")
        self.assertNotContains(response, "data-start")
        self.assertContains(response, "This video is not built yet.")
        self.assertContains(response, "<code>make tutorials</code>")
        self.assertContains(response, "Envíese una prueba antes de programarla.")

    def test_a_video_built_from_an_older_script_says_so(self) -> None:
        self.client.force_login(self.charlie)
        self.assertNotContains(self.client.get(url(BUILT)), 'id="tutorial-stale"')
        path = self.scripts / f"01-{BUILT}.toml"
        path.write_text(path.read_text().replace("como Junín", "como Cusco"))
        script.all_tutorials.cache_clear()
        response = self.client.get(url(BUILT))
        self.assertContains(response, 'id="tutorial-stale"')
        self.assertContains(response, "como Cusco.")
        self.assertContains(response, 'data-start="2.000"')

    def test_chapters_that_changed_since_the_build_do_not_seek(self) -> None:
        path = self.scripts / f"01-{BUILT}.toml"
        more = '[[chapters]]\ntitle = "Nuevo"\n[[chapters.steps]]\nsay = "Un capítulo nuevo."\n'
        path.write_text(path.read_text() + more)
        script.all_tutorials.cache_clear()
        self.client.force_login(self.charlie)
        response = self.client.get(url(BUILT))
        self.assertContains(response, 'id="tutorial-stale"')
        self.assertContains(response, "<video")
        self.assertNotContains(response, "data-start")

    def test_it_offers_to_mark_it_watched_until_it_is(self) -> None:
        self.client.force_login(self.bob)
        watched = reverse("help:training_watched", args=[BUILT])
        self.assertContains(self.client.get(url(BUILT)), f'action="{watched}"')
        WatchedTutorial.objects.create(user=self.bob, slug=BUILT)
        response = self.client.get(url(BUILT))
        self.assertNotContains(response, f'action="{watched}"')
        self.assertContains(response, 'class="badge text-bg-success" id="tutorial-watched"')

    def test_a_screen_s_help_leads_to_the_chapter_about_it(self) -> None:
        self.client.force_login(self.bob)
        for screen in ("home", "contacts:list", "contacts:segments"):
            with self.subTest(screen):
                html = self.client.get(reverse(screen)).content.decode()
                menu = html.split('id="screen-help"', 1)[1].split("</ul>", 1)[0]
                chapter = 1 if screen == "home" else 2
                title = "El tablero" if screen == "home" else "Sus contactos"
                self.assertIn(f'href="{url(BUILT)}#capitulo-{chapter}"', menu)
                self.assertIn(f"Primeros pasos \u203a {title}", menu)

    def test_a_screen_no_tutorial_explains_has_no_video_link(self) -> None:
        self.assertNotIn("help:index", SCRIPTS[f"01-{BUILT}.toml"])
        self.client.force_login(self.bob)
        response = self.client.get(reverse("help:index"))
        self.assertNotContains(response, 'id="screen-help-video"')

    def test_a_broken_script_costs_the_video_link_not_the_screen(self) -> None:
        (self.scripts / "03-roto.toml").write_text('title = "Roto"\n[[chapters]\n')
        script.all_tutorials.cache_clear()
        self.client.force_login(self.bob)
        with self.assertLogs("pregon.help.training", "ERROR"):
            response = self.client.get(reverse("contacts:list"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'id="screen-help-video"')
