"""The training centre in real Chromium, for the manual's screenshots (docs/screenshots/
training-centre.png, training-video.png): from a screen's "?" to its chapter in the video,
the list and its search, captions on, speeds, chapters that seek, and the "watched" mark
that the end of the video sets by itself."""

import tempfile
from pathlib import Path

import pytest
from django.test import override_settings

from pregon.accounts.models import Role, User
from pregon.help.models import WatchedTutorial
from pregon.testing.browser import (
    PASSWORD,
    SCREENSHOTS,
    BrowserTestCase,
    fits_width,
    screenshot,
)
from pregon.testing.training import BUILT, NOT_BUILT, build, tutorial_scripts

EDITOR = "editora@capacitacion.gob.pe"
VIDEO = "document.getElementById('tutorial-video')"
PLAY_TO_SECOND_CAPTION = """async () => {
  const video = document.getElementById("tutorial-video");
  video.currentTime = 1.1;
  await video.play();
  await new Promise((resolve) => {
    video.addEventListener("timeupdate", function stop() {
      if (video.currentTime >= 1.4) {
        video.pause();
        video.removeEventListener("timeupdate", stop);
        resolve();
      }
    });
  });
}"""


@pytest.mark.browser
class TrainingBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.user = User.objects.create_user(
            EDITOR, PASSWORD, role=Role.EDITOR, name="Lucía Editora"
        )
        self.enterContext(tutorial_scripts())
        self.var_dir = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.enterContext(override_settings(VAR_DIR=self.var_dir))

    def test_from_a_screen_to_its_chapter_then_watch_to_the_end(self) -> None:
        from playwright.sync_api import expect

        base = self.live_server_url
        with self.signed_in(EDITOR) as (page, problems):
            # The video shows the contacts screen as this browser draws it, as a build would.
            page.goto(f"{base}/contactos/")
            picture = self.var_dir / "screen.png"
            page.screenshot(path=str(picture), clip={"x": 0, "y": 0, "width": 1280, "height": 720})
            build(self.var_dir, picture)

            page.click("#screen-help > a")
            page.click("#screen-help-video")
            expect(page).to_have_url(f"{base}/ayuda/capacitacion/{BUILT}/#capitulo-2")
            page.wait_for_function(f"() => {VIDEO}.readyState >= 1 && {VIDEO}.currentTime === 2")
            self.assertTrue(page.evaluate(f"{VIDEO}.paused"))

            page.click("nav a[href='/ayuda/']")
            page.click("#help-training a")
            expect(page.locator(f"[data-tutorial={BUILT}] .training-duration")).to_have_text(
                "0:04 min"
            )
            expect(page.locator(f"[data-tutorial={NOT_BUILT}] .training-not-built")).to_be_visible()
            expect(page.locator("#training-build-note")).to_contain_text("make tutorials")
            page.wait_for_function("() => [...document.images].every((image) => image.complete)")
            self.assertTrue(fits_width(page))
            screenshot(page, "training-centre", full_page=False)

            page.fill("#training-q", "JUNIN")
            page.press("#training-q", "Enter")
            hits = page.locator("#training-hits .list-group-item")
            expect(hits).to_have_count(1)
            expect(hits).to_contain_text("como Junín")
            hits.click()
            expect(page.locator("#tutorial-title")).to_have_text("Primeros pasos")

            captions = page.evaluate(
                f"[...{VIDEO}.textTracks].map((track) => [track.kind, track.language, track.mode])"
            )
            self.assertIn(["captions", "es", "showing"], captions)
            page.click("#tutorial-speeds [data-speed='1.5']")
            self.assertEqual(page.evaluate(f"{VIDEO}.playbackRate"), 1.5)
            expect(page.locator("#tutorial-speeds [data-speed='1.5']")).to_have_attribute(
                "aria-pressed", "true"
            )

            # A frame with its caption on screen, for the manual: played up to there, as
            # a paused seek leaves Chromium's loading spinner over the picture.
            page.evaluate(PLAY_TO_SECOND_CAPTION)
            page.wait_for_function(
                f"() => {VIDEO}.textTracks[0].activeCues && {VIDEO}.textTracks[0].activeCues.length"
            )
            page.evaluate("window.scrollTo(0, 0)")
            page.hover("#tutorial-video")
            # Chromium's controls fade in; the screenshot waits for none of it.
            page.screenshot(path=str(SCREENSHOTS / "training-video.png"), animations="disabled")

            self.assertFalse(WatchedTutorial.objects.filter(user=self.user).exists())
            page.click("#tutorial-speeds [data-speed='2']")
            page.click("#tutorial-chapters >> text=Sus contactos")
            expect(page.locator("#tutorial-watched")).to_be_visible()
            expect(page.locator("#tutorial-watched-form")).to_have_count(0)
            self.assertEqual(
                list(WatchedTutorial.objects.values_list("user__email", "slug")), [(EDITOR, BUILT)]
            )

            page.click(".breadcrumb a[href='/ayuda/capacitacion/']")
            expect(page.locator(f"[data-tutorial={BUILT}] .training-watched")).to_be_visible()

            page.set_viewport_size({"width": 390, "height": 844})
            self.assertTrue(fits_width(page))
            page.goto(f"{base}/ayuda/capacitacion/{BUILT}/")
            self.assertTrue(fits_width(page))
        self.assertEqual(problems, [])
