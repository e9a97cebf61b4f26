import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from pregon.management.commands.run import web_command
from pregon.testing.smtp import free_port
from pregon.testing.web import wait_for


def get(url: str, referer: str = "") -> int:
    headers = {"Referer": referer} if referer else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="starts a fresh embedded (SQLite) install",
)
def test_the_web_servers_logs_keep_the_paths_of_links_in_mail_but_not_their_tokens(
    tmp_path: Path,
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PREGON_VAR_DIR": str(tmp_path),
        "PREGON_SITE_URL": base,
        "PREGON_ADMIN_EMAIL": "capacitacion@entidad.gob.pe",
    }
    env.pop("PREGON_DATABASE_URL", None)
    env.pop("PREGON_ADMIN_PASSWORD", None)
    setup = subprocess.run(
        [sys.executable, "-m", "pregon", "setup"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr
    # Without an administrator's password, setup prints a real password-reset link.
    reset_link = re.search(rf"{base}/cuenta/restablecer/\S+/", setup.stdout).group(0)
    reset_token = reset_link.rstrip("/").rsplit("/", 1)[1]
    unsubscribe_token = "1z-unsubscribetokenunsubscr"
    click_token = "2y-clicktokenclicktokencli"
    identity_token = "3x-identitytokenidentityt"

    log_path = tmp_path / "web.log"
    with log_path.open("wb") as log:
        web = subprocess.Popen(
            web_command(f"127.0.0.1:{port}"), env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            assert wait_for(f"{base}/cuenta/entrar/", 60) == 200
            assert get(reset_link) == 200  # After its redirect to the form.
            assert get(f"{base}/t/baja/{unsubscribe_token}/") == 404
            assert get(f"{base}/cuenta/entrar/", referer=f"{base}/t/c/{click_token}") == 200
            # A pop-up's click carries the visitor's identity token in its query.
            assert get(f"{base}/p/c/{click_token}?v=ab12&t={identity_token}&u=/my/") == 404
        finally:
            web.terminate()
            web.wait(timeout=30)

    logged = log_path.read_text()
    for token in (reset_token, unsubscribe_token, click_token, identity_token):
        assert token not in logged
    # The access log names the links, and Django's own "Not Found" line too.
    assert "GET /cuenta/restablecer/" in logged
    assert logged.count("/t/baja/[token]/") == 2
    assert f'"{base}/t/c/[token]"' in logged
    assert "/p/c/[token]?v=ab12&t=[token]&u=/my/" in logged
