"""Play a tutorial in Debian's Chromium and keep what the screen showed.

Frames come from Chromium's screencast (the DevTools protocol's ``Page.startScreencast``):
a JPEG each time the screen changes, with the time it was drawn. Each step starts as its
narration starts; the next one waits until the narration has been said (and the step done).
"""

import base64
import time
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from pregon.help import demo
from pregon.help.tutorials import player
from pregon.help.tutorials.script import Tutorial
from pregon.help.tutorials.voice import Narration

WIDTH, HEIGHT = 1280, 720
# A ring that grows and fades where the cursor clicks, so a viewer sees each click.
CLICK_SCRIPT = """
document.addEventListener("mousedown", (event) => {
  const ring = document.createElement("div");
  Object.assign(ring.style, {position: "fixed", left: event.clientX - 18 + "px",
    top: event.clientY - 18 + "px", width: "36px", height: "36px", borderRadius: "50%",
    border: "3px solid #0d6efd", zIndex: 2147483646, pointerEvents: "none"});
  document.documentElement.appendChild(ring);
  ring.animate([{transform: "scale(0.3)", opacity: 1}, {transform: "scale(1.4)", opacity: 0}],
    {duration: 500, easing: "ease-out"}).onfinish = () => ring.remove();
}, true);
"""
# A breath between one step's narration and the next one's.
PAUSE = 0.6
# A selector a step names must appear within this time, or the build fails on that step.
STEP_TIMEOUT_MS = 15_000
# The video opens and closes on the screen as it is, for this long.
LEAD_IN = 1.0
TAIL = 1.5


class StepError(Exception):
    """A step that could not be done on the screen; the message names it."""


@dataclass(frozen=True)
class Frame:
    path: Path
    at: float  # seconds since the recording's start


@dataclass(frozen=True)
class Timing:
    narration: Narration
    start: float  # seconds since the recording's start: when the narration starts
    end: float  # when it ends


@dataclass(frozen=True)
class Recording:
    frames: list[Frame]
    timings: list[Timing]
    duration: float


def record(
    tutorial: Tutorial, narrations: list[Narration], base_url: str, folder: Path
) -> Recording:
    """Sign in as the tutorial's user, play every step with its narration and return the
    frames (JPEG files in ``folder``) and each step's timing; raises StepError."""
    from playwright.sync_api import Error, sync_playwright

    from pregon.testing.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                viewport={"width": WIDTH, "height": HEIGHT},
                locale="es-PE",
                timezone_id="America/Lima",
            )
            page = context.new_page()
            page.set_default_timeout(STEP_TIMEOUT_MS)
            player.prepare(page)
            page.add_init_script(CLICK_SCRIPT)
            _sign_in(page, base_url, tutorial.user)
            server_errors = _watch_server_errors(page)
            page.mouse.move(WIDTH / 2, HEIGHT / 2)
            screencast = _Screencast(context.new_cdp_session(page), folder)
            start = time.time()
            page.wait_for_timeout(LEAD_IN * 1000)
            timings = []
            for narration in narrations:
                began = time.time() - start
                try:
                    player.perform(page, narration.step, base_url)
                except Error as error:
                    raise StepError(_describe(narration, error)) from None
                spoken = began + narration.duration
                page.wait_for_timeout(max(0, spoken + PAUSE - (time.time() - start)) * 1000)
                if server_errors:
                    raise StepError(_describe(narration, server_errors[0]))
                timings.append(Timing(narration, began, spoken))
            page.wait_for_timeout(TAIL * 1000)
            duration = time.time() - start
            frames = screencast.stop(start)
        finally:
            browser.close()
    return Recording(frames, timings, duration)


def _sign_in(page: object, base_url: str, user: str) -> None:
    from playwright.sync_api import Error

    try:
        page.goto(f"{base_url}/cuenta/entrar/")
        page.fill("input[name=email]", demo.USERS[user])
        page.fill("input[name=password]", demo.PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url(f"{base_url}/")
    except Error as error:
        raise StepError(
            _("Could not sign in as %(email)s: %(error)s")
            % {"email": demo.USERS[user], "error": str(error).split("\n")[0]}
        ) from None


def _watch_server_errors(page: object) -> list[str]:
    """A list that fills with the requests the demo server answered with an error (5xx)."""
    errors: list[str] = []

    def check(response: object) -> None:
        if response.status >= 500:
            errors.append(
                _("the server answered %(status)d to %(url)s")
                % {"status": response.status, "url": response.url}
            )

    page.on("response", check)
    return errors


def _describe(narration: Narration, error: Exception | str) -> str:
    step = narration.step
    # Playwright's first line says what was not found ("waiting for locator(…)" follows).
    detail = " ".join(str(error).split("\n")[:3]).strip()
    return _("Step %(number)d (%(action)s “%(target)s”) failed: %(detail)s") % {
        "number": step.number,
        "action": step.action,
        "target": step.target,
        "detail": detail,
    }


class _Screencast:
    """Chromium's screencast of a page, each frame saved as a JPEG file as it comes."""

    def __init__(self, cdp: object, folder: Path) -> None:
        self.cdp = cdp
        self.folder = folder
        self.frames: list[tuple[Path, float]] = []
        self.is_stopped = False
        cdp.on("Page.screencastFrame", self._keep)
        cdp.send(
            "Page.startScreencast",
            {"format": "jpeg", "quality": 90, "maxWidth": WIDTH, "maxHeight": HEIGHT},
        )

    def _keep(self, frame: dict) -> None:
        if self.is_stopped:
            return  # A frame still on its way when the screencast stopped.
        # Chromium sends no other frame until this one is acknowledged.
        self.cdp.send("Page.screencastFrameAck", {"sessionId": frame["sessionId"]})
        path = self.folder / f"{len(self.frames):06d}.jpg"
        path.write_bytes(base64.b64decode(frame["data"]))
        self.frames.append((path, frame["metadata"].get("timestamp") or time.time()))

    def stop(self, start: float) -> list[Frame]:
        """The frames, timed from ``start`` (a frame drawn before it shows from 0)."""
        self.is_stopped = True
        self.cdp.send("Page.stopScreencast")
        # Frames may arrive a little out of the order they were drawn in.
        drawn = sorted(self.frames, key=lambda frame: frame[1])
        frames = [Frame(path, max(0.0, at - start)) for path, at in drawn]
        # Of the frames drawn before the start, only the last one was on the screen then.
        first = max((i for i, frame in enumerate(frames) if frame.at == 0), default=0)
        return frames[first:]
