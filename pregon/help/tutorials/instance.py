"""A fresh Pregón with the demo's data, for the tutorials to be recorded in: its own folder
and SQLite database, its web server on a free port of 127.0.0.1 and a task worker.

``prepare`` migrates and seeds a database once; ``serve`` starts a server on a copy of it,
so every tutorial starts from the same data whatever the ones before it changed. The port
is chosen before seeding and kept: the gallery's templates store their images' absolute
URLs, which must still answer when the tutorials show them.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.utils.translation import gettext as _

from pregon.management.commands.run import web_command

PREGON = [sys.executable, "-m", "pregon"]
SEED = [*PREGON, "demo"]
WORKER = [*PREGON, "db_worker", "--queue-name", "*", "--interval", "0.5", "--no-startup-delay"]
STARTUP_SECONDS = 60


class InstanceError(Exception):
    """The demo instance could not be prepared or started; the message says which command."""


def prepare(folder: Path) -> Path:
    """Migrate a new database in ``folder`` and fill it with the demo's data; its folder."""
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    (folder / "port").write_text(str(port))
    env = _environment(folder, f"http://127.0.0.1:{port}")
    for command in ([*PREGON, "migrate", "--no-input", "--verbosity", "0"], SEED):
        result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
        if result.returncode:
            raise InstanceError(
                _("The demo instance could not be prepared: “%(command)s” failed: %(error)s")
                % {"command": " ".join(command[2:4]), "error": result.stderr.strip()[-2000:]}
            )
    return folder


@contextmanager
def serve(pristine: Path, folder: Path) -> Iterator[str]:
    """A web server and a task worker on a copy of ``pristine`` in ``folder``; its base URL."""
    shutil.copytree(pristine, folder)
    port = int((pristine / "port").read_text())
    base_url = f"http://127.0.0.1:{port}"
    env = _environment(folder, base_url)
    # What the server and the worker say goes to a log, quoted if the server does not start.
    log = (folder / "instance.log").open("w")
    children = [
        subprocess.Popen(command, env=env, stdout=log, stderr=log)  # noqa: S603
        for command in (web_command(f"127.0.0.1:{port}"), WORKER)
    ]
    try:
        _wait_until_up(f"{base_url}/cuenta/entrar/", children[0], folder / "instance.log")
        yield base_url
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        log.close()


def _environment(folder: Path, base_url: str) -> dict[str, str]:
    # None of this installation's settings (its database, relays, secrets) reach the demo.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREGON_")}
    env.update(
        PREGON_VAR_DIR=str(folder),
        PREGON_DATABASE_URL=f"sqlite:///{folder / 'pregon.sqlite3'}",
        PREGON_SITE_URL=base_url,
        PREGON_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PREGON_WEB_WORKERS="2",
    )
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.3)
    raise InstanceError(
        _("The demo instance's web server did not start at %(url)s: %(log)s")
        % {"url": url, "log": log.read_text().strip()[-2000:]}
    )
