"""Benchmark: the pop-ups' configuration and beacons under load from a second process
(target, the open pixel's: >= 3,000 requests/s on this 2-core machine, p99 < 25 ms, no
event lost).

    .venv/bin/python bench/popups.py [--seconds 20] [--connections 32]

Needs ``wrk`` (Debian's wrk package). Builds its own database, like the other benchmarks,
with one classroom site and five live pop-ups, and starts the web server as ``pregon run``
does (gunicorn, settings.WEB_WORKERS processes, access log on), behind one trusted proxy
(PREGON_PROXY_COUNT=1): each request comes from another visitor's address in
X-Forwarded-For, as a classroom's visitors do, so that the per-address flood limit is not
what is measured. wrk asks for the configuration from the site's origin, then posts view
beacons. Last, the spool is flushed as the scheduler does it, and the events in the database
are counted: at least one per 204 wrk counted (wrk does not count the answers still in
flight when it stops, so there may be a few more, never fewer).

Prints ``BENCH popup_config_rps``, ``BENCH popup_config_p99``, the same for
``popup_beacon``, and ``BENCH popup_beacon_lost``.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run from anywhere: import this checkout's pregon, whatever the venv's install points at.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database
from tracking_endpoints import free_port, measure, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "pregon_bench_popups"
ORIGIN = "https://aula.example.gob.pe"
# Each request from the next of 65,536 addresses: about one request a second each.
LUA = """
local n = 0
request = function()
  n = n + 1
  local headers = {
    ["Origin"] = "%(origin)s",
    ["Content-Type"] = "text/plain",
    ["X-Forwarded-For"] = string.format("10.%%d.%%d.1", math.floor(n / 256) %% 256, n %% 256),
  }
  return wrk.format("%(method)s", "%(path)s", headers, %(body)s)
end
"""


def setup() -> tuple[str, int]:
    """A classroom site and five live pop-ups; the site's key and a pop-up's id."""
    import django

    django.setup()
    from django.core.management import call_command

    from pregon.popups.models import Popup, Site

    call_command("migrate", verbosity=0)
    site = Site.objects.create(name="Aula virtual", origin=ORIGIN)
    popups = [
        Popup.objects.create(
            name=f"Curso {n}",
            is_published=True,
            priority=n,
            title=f"Inscripciones abiertas para el curso {n}",
            body="<p>Curso de <strong>gestión pública</strong>, <em>virtual</em>.</p>",
            button_text="Inscríbete",
            button_url=f"{ORIGIN}/enrol/index.php?id={n}",
            include_urls="/course/view.php?id=*",
        )
        for n in range(1, 6)
    ]
    return site.key, popups[0].pk


def script(folder: Path, name: str, method: str, path: str, body: str | None) -> Path:
    lua = folder / f"{name}.lua"
    body_text = "nil" if body is None else "'" + body + "'"
    lua.write_text(LUA % {"origin": ORIGIN, "method": method, "path": path, "body": body_text})
    return lua


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: install Debian's wrk package", file=sys.stderr)
        return 2
    with own_database(BENCH_DATABASE) as (engine, var_dir):
        os.environ["PREGON_DEBUG"] = "0"
        key, popup_id = setup()
        from django.conf import settings
        from django.db import connection

        from pregon.management.commands.run import web_command
        from pregon.popups import spool
        from pregon.popups.models import PopupEvent

        connection.close()
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            web_command(f"127.0.0.1:{port}"),
            stdout=subprocess.DEVNULL,
            cwd=var_dir,
            env={**os.environ, "PYTHONPATH": str(ROOT), "PREGON_PROXY_COUNT": "1"},
        )
        beacon = f'{{"p":{popup_id},"k":"viewed","v":"0123456789abcdef","t":"",'
        beacon += '"u":"/course/view.php?id=12","c":12,"d":"desktop"}'
        try:
            wait_for_port(port, server)
            base = f"http://127.0.0.1:{port}"
            with tempfile.TemporaryDirectory() as folder:
                folder = Path(folder)
                configuration = script(folder, "config", "GET", f"/p/s/{key}.json", None)
                beacons = script(folder, "beacon", "POST", f"/p/b/{key}", beacon)
                # Each web process's first requests load the code and build the
                # configuration: not what is measured here.
                measure(base, configuration, args.connections, 2)
                print("# configuration", flush=True)
                config = measure(base, configuration, args.connections, args.seconds)
                print("# beacons", flush=True)
                beaconed = measure(base, beacons, args.connections, args.seconds)
        finally:
            server.terminate()
            server.wait()
        time.sleep(settings.TRACKING_SPOOL_GRACE + 1)
        spool.flush()
        stored = PopupEvent.objects.count()
        lost = max(0, beaconed["answers"] - beaconed["errors"] - stored)
        print(f"# on {engine}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} at the end")
        print(f"# config: {config['answers']} answers, {config['errors']} not 2xx")
        print(f"# beacons: {beaconed['answers']} answers, {beaconed['errors']} not 2xx")
        print(f"# beacons: {stored} events stored")
        print(f"BENCH popup_config_rps {config['rate']:.0f} req/s")
        print(f"BENCH popup_config_p99 {config['p99_ms']:.1f} ms")
        print(f"BENCH popup_beacon_rps {beaconed['rate']:.0f} req/s")
        print(f"BENCH popup_beacon_p99 {beaconed['p99_ms']:.1f} ms")
        print(f"BENCH popup_beacon_lost {lost} events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
