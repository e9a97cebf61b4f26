"""Helpers for the browser tests: Debian's Chromium through Playwright, and a real worker."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.db import connection

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery staple"
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
# Without these flags Chromium tries to reach Google's servers, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class BrowserTestCase(StaticLiveServerTestCase):
    """A live server whose pages a test drives in Chromium, setting up data in between."""

    def setUp(self) -> None:
        super().setUp()
        # Playwright's sync API keeps an event loop in this thread, which Django takes for
        # async code; the ORM calls here run between page steps, never inside the loop.
        unsafe = mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"})
        unsafe.start()
        self.addCleanup(unsafe.stop)

    @contextmanager
    def signed_in(
        self, email: str, width: int = 1280, height: int = 900
    ) -> Iterator[tuple[object, list[str]]]:
        """A new Chromium page signed in as ``email`` on this test's server, and the list of
        problems ``watch`` collects on it (a test asserts it empty at the end)."""
        with chromium_page(width, height) as page:
            problems = watch(page)
            login(page, self.live_server_url, email)
            yield page, problems


@contextmanager
def chromium_context(width: int = 1280, height: int = 900, **options: object) -> Iterator[object]:
    """A Playwright browser context in Debian's Chromium (never a downloaded browser), in
    Spanish and Lima's time; ``options`` go to ``new_context`` (a ``user_agent``…)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="es-PE",
            timezone_id="America/Lima",
            **options,
        )
        try:
            yield context
        finally:
            context.close()
            browser.close()


@contextmanager
def chromium_page(width: int = 1280, height: int = 900) -> Iterator[object]:
    """A page of a new ``chromium_context``."""
    with chromium_context(width, height) as context:
        yield context.new_page()


def database_url() -> str:
    """A PREGON_DATABASE_URL that points a subprocess at the test database."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    return (
        f"postgresql://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


@contextmanager
def task_worker() -> Iterator[subprocess.Popen]:
    """A real `pregon db_worker` process working on the test database."""
    env = {**os.environ, "PREGON_DATABASE_URL": database_url()}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pregon",
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.2",
            "--no-startup-delay",
        ],
        env=env,
    )
    try:
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def screenshot(page: object, name: str, full_page: bool = True) -> None:
    """Save docs/screenshots/<name>.png; ``full_page=False`` keeps a long page to one screen."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def login(page: object, base: str, email: str) -> None:
    page.goto(f"{base}/cuenta/entrar/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/")


def add_condition(group: object) -> object:
    """Click a segment builder group's "add condition" and return the condition it adds."""
    group.locator("> div:last-child > [data-action=add-condition]").click()
    return group.locator("> [data-role=children] > [data-condition]").last


def fits_width(page: object) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def watch(page: object) -> list[str]:
    """Collect what would show a broken screen: JS errors, dialogs, failed requests."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JS error: {error}"))
    page.on(
        "console",
        lambda message: message.type == "error" and problems.append(f"console: {message.text}"),
    )

    def on_dialog(dialog: object) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and problems.append(f"{response.status} {response.url}")
        ),
    )
    return problems
