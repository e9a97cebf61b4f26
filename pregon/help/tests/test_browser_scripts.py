"""Every step of every tutorial script played at full speed in Chromium on the demo data,
with a task worker, as the recorder plays them: a script that no longer matches the
screens fails here, naming the tutorial and the step, before `make tutorials` would."""

import pytest

from pregon.help import demo
from pregon.help.tutorials import player, script
from pregon.testing.browser import BrowserTestCase, chromium_page, task_worker

# Milliseconds a step may wait for what it acts on; the demo's pages answer in far less.
STEP_TIMEOUT = 10_000


@pytest.mark.browser
class TutorialScriptsBrowserTestCase(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        demo.seed()

    def play(self, slug: str) -> None:
        tutorial = script.get(slug)
        base = self.live_server_url
        # The worker runs what a step starts in the background (an import), as in the build.
        with task_worker(), chromium_page(width=1280, height=720) as page:
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.set_default_timeout(STEP_TIMEOUT)
            sign_in(page, base, demo.USERS[tutorial.user])
            for step in tutorial.steps:
                try:
                    player.perform(page, step, base, human=False)
                except Exception as error:
                    self.fail(
                        f"{tutorial.slug}, step {step.number} ({step.action} "
                        f"{step.target!r}): {error}"
                    )
                self.assertEqual(errors, [], f"{tutorial.slug}, step {step.number}: JS error")


def sign_in(page: object, base: str, email: str) -> None:
    page.goto(f"{base}/cuenta/entrar/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", demo.PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/")


def _test_for(slug: str) -> object:
    def test(self: TutorialScriptsBrowserTestCase) -> None:
        self.play(slug)

    test.__doc__ = f"The tutorial {slug} plays to its end."
    return test


for _tutorial in script.all_tutorials():
    _name = f"test_{_tutorial.order:02d}_{_tutorial.slug.replace('-', '_')}"
    setattr(TutorialScriptsBrowserTestCase, _name, _test_for(_tutorial.slug))
