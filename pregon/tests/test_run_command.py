import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from pregon.testing.smtp import free_port
from pregon.testing.web import wait_for


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="starts a fresh embedded (SQLite) install",
)
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["sigterm", "sighup"])
def test_setup_then_run_serves_the_login_page_and_stops_on_a_signal(
    tmp_path: Path, stop: signal.Signals
) -> None:
    """`pregon setup` then `pregon run` on an empty var dir: the two steps of `make run`.
    SIGHUP is a closed terminal: everything stops, and the port is free again."""
    port = free_port()
    env = {
        **os.environ,
        "PREGON_VAR_DIR": str(tmp_path),
        "PREGON_BIND": f"127.0.0.1:{port}",
        "PREGON_SITE_URL": f"http://127.0.0.1:{port}",
        "PREGON_ADMIN_EMAIL": "capacitacion@entidad.gob.pe",
        "PREGON_ADMIN_PASSWORD": "a long enough password",
        "PREGON_WEB_WORKERS": "1",
    }
    env.pop("PREGON_DATABASE_URL", None)
    pregon = [sys.executable, "-m", "pregon"]
    setup = subprocess.run([*pregon, "setup"], env=env, capture_output=True, text=True, timeout=120)
    assert setup.returncode == 0, setup.stderr
    assert "capacitacion@entidad.gob.pe" in setup.stdout

    run = subprocess.Popen(
        [*pregon, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/cuenta/entrar/", 60) == 200
        children = subprocess.run(
            ["ps", "--ppid", str(run.pid), "-o", "ni=,args="],
            capture_output=True,
            text=True,
        ).stdout
        assert "gunicorn" in children
        assert "db_worker" in children
        assert "runscheduler" in children
        assert "runsender" in children
        # Batch work yields the cores to the web server (settings.BATCH_NICE).
        niceness = {
            name: int(line.split()[0])
            for line in children.splitlines()
            for name in ("gunicorn", "runscheduler", "runsender", "db_worker", "runautomation")
            if name in line
        }
        assert niceness["runsender"] == niceness["db_worker"] == niceness["runautomation"] == 10
        assert niceness["gunicorn"] == niceness["runscheduler"] == 0
    finally:
        run.send_signal(stop)
        output = run.communicate(timeout=40)[0].decode()
    assert run.returncode == 0, output
    assert f"Pregón está funcionando en http://127.0.0.1:{port}" in output
    assert "Detenido." in output
    with socket.socket() as sock:
        # Fails only while something still listens there (not for closed connections).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
