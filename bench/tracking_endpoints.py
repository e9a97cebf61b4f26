"""Benchmark: the open pixel and the click redirect under load from a second process (target
for the pixel: >= 3,000 requests/s on this 2-core machine, p99 < 25 ms, no event lost).

    .venv/bin/python bench/tracking_endpoints.py [--seconds 20] [--connections 32]

Needs ``wrk`` (Debian's wrk package). Builds its own database, like the other benchmarks,
with a campaign of 10,000 messages marked as sent an hour ago, and starts the web server as
``pregon run`` does (gunicorn, settings.WEB_WORKERS processes, access log on). wrk then asks
for the pixels of all 10,000 messages in turn, over kept connections, and afterwards for
their first link (after two seconds of clicks to warm the web processes up, whose events
are counted apart). Last, the spool is flushed as the scheduler does it, and the events in the
database are counted: at least one per answer wrk counted (wrk does not count the answers
still in flight when it stops, so there may be a few more, never fewer).

Prints ``BENCH tracking_open_req_per_s_<engine>``, ``BENCH tracking_open_p99_ms_<engine>``,
the same for ``tracking_click``, and ``BENCH tracking_events_lost_<engine>``.

``--beside-sender`` (needs Postfix's ``smtp-sink`` too) measures the pixel a second time
while a campaign is sent at full speed on the same cores, as ``pregon run`` runs it: the
database is then bench/send_campaign.py's (its ``setup``: ``--sender-messages`` contacts, a
started campaign, an SMTP backend pointing at smtp-sink), the pixels and links asked for are
those of its first 10,000 messages, and ``--workers`` processes of ``pregon runsender`` are
started with ``pregon run``'s command line (``run.batch_command``, at settings.BATCH_NICE)
once the pixel and the click were measured alone. It adds ``BENCH
tracking_open_beside_sender_req_per_s_<engine>``, ``..._p99_ms_<engine>`` and
``BENCH tracking_sender_msgs_per_s_<engine>`` (what the senders sent while wrk ran).
"""

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

# Run from anywhere: import this checkout's pregon, whatever the venv's install points at.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database
from send_campaign import postfix_tool
from send_campaign import setup as setup_sending
from send_campaign import wait_for_port as wait_for_sink

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "pregon_bench_tracking"
MESSAGES = 10_000
# wrk asks for these paths in turn, one list per thread.
LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn does not answer on port {port}")


def wait_for_answer(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    """Wait until ``url`` is answered: gunicorn's master listens at once, but its workers
    load Django first, which takes many seconds on busy cores."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn does not answer {url}")


def setup() -> list[int]:
    """A started campaign whose messages went out an hour ago; their ids."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from pregon.campaigns import scheduling
    from pregon.sending.models import Message, MessageStatus
    from pregon.testing.campaigns import campaign_to, contacts_on_a_list

    call_command("migrate", verbosity=0)
    campaign_to(contacts_on_a_list(MESSAGES))
    scheduling.start_due_campaigns()
    an_hour_ago = timezone.now() - timezone.timedelta(hours=1)
    Message.objects.update(status=MessageStatus.SENT, sent_at=an_hour_ago)
    return list(Message.objects.order_by("pk").values_list("pk", flat=True))


def sending_setup(messages: int, port: int, workers: int) -> list[int]:
    """send_campaign.py's database (a started campaign of ``messages`` queued messages to
    smtp-sink on ``port``); the ids of its first MESSAGES messages."""
    import django

    django.setup()
    from pregon.sending.models import Message

    setup_sending(messages, port, workers)
    return list(Message.objects.order_by("pk").values_list("pk", flat=True)[:MESSAGES])


@contextlib.contextmanager
def smtp_sink(var_dir: Path) -> Iterator[int]:
    """Postfix's smtp-sink on a free loopback port (as bench/send_campaign.py starts it)."""
    port = free_port()
    command = [postfix_tool("smtp-sink"), *(["-u", "nobody"] if os.geteuid() == 0 else [])]
    with open(var_dir / "smtp-sink.out", "wb") as output:
        sink = subprocess.Popen(  # noqa: S603
            [*command, f"127.0.0.1:{port}", "2000"], stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_for_sink(port, sink)
        yield port
    finally:
        sink.terminate()
        sink.wait()


@contextlib.contextmanager
def senders(count: int) -> Iterator[Callable[[], int]]:
    """``count`` sending processes as ``pregon run`` starts them; yields a function that
    counts the messages sent so far."""
    from pregon.management.commands.run import batch_command
    from pregon.sending.models import Message, MessageStatus

    command = batch_command("runsender", "--idle", "0.05")
    workers = [
        subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})  # noqa: S603
        for _ in range(count)
    ]
    try:
        yield Message.objects.filter(status=MessageStatus.SENT).count
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait()


def wrk(base: str, script: Path, connections: int, seconds: int) -> str:
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s"]
    command += ["--latency", "-s", str(script), base]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603


def load(base: str, paths: list[str], args: argparse.Namespace, folder: Path) -> dict:
    """Run wrk over ``paths``; its rate, 99th percentile latency and answers."""
    path_file, script = folder / "paths.txt", folder / "paths.lua"
    path_file.write_text("\n".join(paths) + "\n")
    script.write_text(LUA % path_file)
    return measure(base, script, args.connections, args.seconds)


def measure(base: str, script: Path, connections: int, seconds: int) -> dict:
    """Run wrk with ``script``; its rate, 99th percentile latency, answers and answers that
    were not 2xx or 3xx (bench/popups.py measures with it too)."""
    output = wrk(base, script, connections, seconds)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors or "Socket errors" in output:
        print(output, file=sys.stderr)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p99_ms": float(p99.group(1)) * scale,
        "answers": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--beside-sender", action="store_true")
    parser.add_argument("--sender-messages", type=int, default=60_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: install Debian's wrk package", file=sys.stderr)
        return 2
    if args.beside_sender and postfix_tool("smtp-sink") is None:
        print("smtp-sink is missing: install Debian's postfix package", file=sys.stderr)
        return 2
    with own_database(BENCH_DATABASE) as (engine, var_dir):
        os.environ["PREGON_DEBUG"] = "0"
        if not args.beside_sender:
            return run(engine, var_dir, setup(), args)
        # Read by this process's settings and the senders': the plan covers the campaign.
        os.environ["PREGON_QUOTA_MONTHLY"] = str(max(args.sender_messages * 2, 50_000))
        os.environ["PREGON_QUOTA_START"] = ""
        with smtp_sink(var_dir) as port:
            message_ids = sending_setup(args.sender_messages, port, args.workers)
            return run(engine, var_dir, message_ids, args)


def run(engine: str, var_dir: Path, message_ids: list[int], args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.db import connection

    from pregon.management.commands.run import web_command
    from pregon.sending import links
    from pregon.tracking import spool
    from pregon.tracking.models import Event, EventKind

    print("# load average (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))
    connection.close()
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        web_command(f"127.0.0.1:{port}"),
        stdout=subprocess.DEVNULL,
        cwd=var_dir,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    beside = None
    try:
        wait_for_port(port, server)
        base = f"http://127.0.0.1:{port}"
        pixels = [f"/t/o/{links.open_token(pk)}.gif" for pk in message_ids]
        # Both workers: the first answer may come from either.
        for _worker in range(settings.WEB_WORKERS):
            wait_for_answer(base + pixels[0], server)
        clicks = [
            links.context(pk, 1)["tracking_link_0"].removeprefix(settings.SITE_URL)
            for pk in message_ids
        ]
        with tempfile.TemporaryDirectory() as folder:
            # Each web process's first Django request loads the URLs, the translations
            # and the views (about half a second): not what is measured here. The
            # warm-up's events are counted apart.
            warm_up = Path(folder) / "warm-up.lua"
            warm_up.write_text(f'request = function() return wrk.format("GET", "{clicks[0]}") end')
            warm = wrk(base, warm_up, args.connections, 2)
            warm_clicks = int(re.search(r"(\d+) requests in", warm).group(1))
            opened = load(base, pixels, args, Path(folder))
            clicked = load(base, clicks, args, Path(folder))
            if args.beside_sender:
                beside = load_beside_sender(base, pixels, args, Path(folder))
    finally:
        server.terminate()
        server.wait()
    time.sleep(settings.TRACKING_SPOOL_GRACE + 1)
    spool.flush()
    lost = 0
    for kind, figures in ((EventKind.OPENED, opened), (EventKind.CLICKED, clicked)):
        stored = Event.objects.filter(kind=kind).count()
        answers = figures["answers"] - figures["errors"]
        if kind == EventKind.CLICKED:
            stored -= warm_clicks
        elif beside:
            answers += beside["answers"] - beside["errors"]
        lost += max(0, answers - stored)
        name = "open" if kind == EventKind.OPENED else "click"
        print(f"# {name}: {answers} answers, {stored} events stored")
        print(f"BENCH tracking_{name}_req_per_s_{engine} {figures['rate']:.0f} req/s")
        print(f"BENCH tracking_{name}_p99_ms_{engine} {figures['p99_ms']:.1f} ms")
    if beside:
        print(f"# nice of the senders: {settings.BATCH_NICE}, {args.workers} workers")
        name = f"tracking_open_beside_sender_{{}}_{engine}"
        print(f"BENCH {name.format('req_per_s')} {beside['rate']:.0f} req/s")
        print(f"BENCH {name.format('p99_ms')} {beside['p99_ms']:.1f} ms")
        print(f"BENCH tracking_sender_msgs_per_s_{engine} {beside['sent_per_s']:.0f} msg/s")
    print(f"BENCH tracking_events_lost_{engine} {lost} events")
    return 0


def load_beside_sender(
    base: str, pixels: list[str], args: argparse.Namespace, folder: Path
) -> dict:
    """The pixel under wrk while ``args.workers`` senders send the campaign; with the
    senders' rate during the measurement (``sent_per_s``)."""
    with senders(args.workers) as sent:
        # The senders load Django and open their SMTP connections first.
        before, waited = sent(), 0.0
        while sent() == before and waited < 30:
            time.sleep(0.5)
            waited += 0.5
        time.sleep(2)
        start, started = sent(), time.perf_counter()
        figures = load(base, pixels, args, folder)
        sent_during = sent() - start
        elapsed = time.perf_counter() - started
    left = args.sender_messages - sent()
    if left <= 0:
        print("# the senders ran out of messages before wrk stopped: raise --sender-messages")
    print(f"# sent beside wrk: {sent_during:,} messages in {elapsed:.1f} s")
    return {**figures, "sent_per_s": sent_during / elapsed}


if __name__ == "__main__":
    sys.exit(main())
