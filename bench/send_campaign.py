"""Benchmark: send a 100,000-message campaign into Postfix's smtp-sink (target: >= 20 % of
smtp-source's rate into the same sink; sending workers' peak memory < 200 MB, flat).

    .venv/bin/python bench/send_campaign.py [--messages 100000] [--workers <cores>] [--batch 100]

Needs ``smtp-sink`` and ``smtp-source``: install Debian's postfix package (the daemon need
not run). Builds its own database from scratch, like the other benchmarks (on
PREGON_DATABASE_URL's PostgreSQL server a database named pregon_bench_send, or
PREGON_BENCH_DATABASE, dropped and made again; else a new SQLite file in a temporary
folder), with ``--messages`` subscribed contacts
on a list, the gallery's course announcement with the brand kit, a sender identity (its
domain gets an Ed25519 and an RSA-2048 DKIM key) and an SMTP backend pointing at smtp-sink
on a free loopback port, which accepts every message and throws it away.

It starts the campaign as the scheduler does (``schedule(now)``, ``start_due_campaigns``),
then ``--workers`` processes of ``pregon runsender``, and times from their start until no
message is queued or sending. Each message is personalised, built, signed twice and sent
over the worker's kept SMTP connection, and its outcome recorded, as in production. The
workers' memory (VmRSS, and VmHWM for the peak) is read from /proc at 25, 50 and 100 % of
the campaign. Then it checks that every message was sent once and debited, that none
failed, and (since the sink keeps nothing) builds 20 of the messages again and verifies
both DKIM signatures with dkimpy. Last, Postfix's own ``smtp-source`` sends as many
messages of the same size into the same sink over 20 kept connections (``-d``): the raw
limit of this machine's loopback SMTP.

Prints ``BENCH send_campaign_msgs_per_s_<engine>``, ``BENCH smtp_source_msgs_per_s``,
``BENCH send_campaign_ratio_<engine>`` (ours as a percentage of smtp-source's) and
``BENCH send_campaign_worker_peak_rss_<engine>`` (the largest worker's VmHWM, in MB) and
``BENCH send_campaign_worker_cpu_per_msg_<engine>`` (the workers' CPU time, user and
system, per message: a figure a busy machine hardly moves) and, where PostgreSQL runs on
this machine, ``BENCH send_campaign_backend_cpu_per_msg_postgresql`` (the CPU time of the
server processes that serve the workers, per message; context lines add smtp-sink's, that
of this script's progress counts and that of the server's shared WAL writer, checkpointer
and background writer).
"""

import argparse
import contextlib
import email
import email.policy
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

# Run from anywhere: import this checkout's pregon, whatever the venv's install points at.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "pregon_bench_send"
SUBJECT = '{{ nombre | default("Colega") }}, estos son los cursos de diciembre'
FIRST = ["Ana", "Luis", "Rosa", "José", "María", "Carlos", "Lucía", "Jorge", "Elena", "Óscar"]
LAST = ["Quispe", "Mamani", "Flores", "Rodríguez", "García", "Huamán", "Chávez", "Peña"]
MILESTONES = (25, 50, 100)
SAMPLE = 20
MISSING = "smtp-sink and smtp-source are missing: install Debian's postfix package"


def postfix_tool(name: str) -> str | None:
    """The path of Postfix's ``name`` (it lives in /usr/sbin, often not on a user's PATH)."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"smtp-sink exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"smtp-sink does not answer on port {port}")


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of process ``pid`` in MB: its resident memory now, and its peak."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024  # kB
    return values["VmRSS"], values["VmHWM"]


def cpu_seconds(pid: int) -> float:
    """The CPU time process ``pid`` has used so far (user and system), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    # utime and stime are the 14th and 15th fields; the split starts at the 3rd.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ServerCpu:
    """The CPU time of the PostgreSQL processes that serve our database, read from /proc as
    the run goes: the workers' backends (one that exits during the run, a connection past
    CONN_MAX_AGE, still counts up to the last reading), and any autovacuum worker of it.
    ``monitor`` is this script's own backend, left out (its progress counts are the
    benchmark's, not the send's) but read for its title, which names the server's cluster.
    The cluster's shared processes (WAL writer, checkpointer, background writer) serve every
    database on it: ``shared`` sums them, an upper bound on a busy server."""

    SHARED = ("walwriter", "checkpointer", "background writer")

    def __init__(self, name: str, monitor: int | None) -> None:
        self.name, self.monitor = name, monitor
        # "postgres: 15/main: postgres pregon_bench_send 127.0.0.1(5432) idle"
        title = dict(self._processes()).get(monitor, "")
        self.cluster = title.partition(f" {name} ")[0].rpartition(" ")[0]
        self.seen: dict[int, float] = {}
        self.shared_start = self.shared()

    @staticmethod
    def _processes() -> Iterator[tuple[int, str]]:
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    title = (entry / "cmdline").read_bytes().decode(errors="replace")
                except OSError:
                    continue  # It exited meanwhile.
                if title.startswith("postgres: "):
                    yield int(entry.name), title.rstrip("\x00 ")

    def read(self) -> None:
        """Take a reading of the CPU time of our database's processes."""
        for pid, title in self._processes():
            if pid != self.monitor and f" {self.name} " in f"{title} ":
                with contextlib.suppress(OSError):
                    self.seen[pid] = cpu_seconds(pid)

    def shared(self) -> float:
        names = {f"{self.cluster} {name}" for name in self.SHARED}
        total = 0.0
        for pid, title in self._processes():
            if self.cluster and title in names:
                with contextlib.suppress(OSError):
                    total += cpu_seconds(pid)
        return total

    def total(self) -> float:
        return sum(self.seen.values())


def cpu_or_zero(pid: int | None) -> float:
    """``cpu_seconds`` of ``pid``, or 0 for none or a process not on this machine."""
    try:
        return cpu_seconds(pid) if pid else 0.0
    except OSError:
        return 0.0


def sink_count(path: Path) -> int:
    """The messages smtp-sink received, from the last of its ``-c`` counters."""
    counts = re.findall(rb"mesg=(\d+)", path.read_bytes())
    return int(counts[-1]) if counts else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    # Our lines in order with the log lines the workers write to the same terminal.
    sys.stdout.reconfigure(line_buffering=True)
    sink, source = postfix_tool("smtp-sink"), postfix_tool("smtp-source")
    if sink is None or source is None:
        print(MISSING, file=sys.stderr)
        return 2

    # Before anything of ours runs: what else is keeping the machine busy.
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"# load before the run (1, 5, 15 min): {load}")
    with own_database(os.environ.get("PREGON_BENCH_DATABASE", BENCH_DATABASE)) as (engine, var_dir):
        # Read by the settings of this process (django.setup() comes later) and of the
        # workers, which inherit the environment: the plan must cover the whole campaign.
        os.environ["PREGON_QUOTA_MONTHLY"] = str(max(args.messages * 2, 50_000))
        os.environ["PREGON_QUOTA_START"] = ""
        port = free_port()
        # -c: running counters on stdout, to check what the sink received. As root it must
        # drop privileges (-u) once its socket is open. 2000: the listen backlog.
        command = [sink, "-c", *(["-u", "nobody"] if os.geteuid() == 0 else [])]
        command += [f"127.0.0.1:{port}", "2000"]
        counters = var_dir / "smtp-sink.out"
        with open(counters, "wb") as output:
            sink_process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            wait_for_port(port, sink_process)
            return run(engine, args, port, source, (sink_process.pid, counters))
        finally:
            sink_process.terminate()
            sink_process.wait()


def setup(messages: int, port: int, workers: int) -> None:
    """The database: contacts on a list, a template, a sender, a backend, a started campaign."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from pregon.campaigns import scheduling
    from pregon.campaigns.models import Campaign
    from pregon.contacts.models import Contact, MailingList, Subscription
    from pregon.content.models import EmailTemplate, Format
    from pregon.content.starts import branded_source
    from pregon.sending import quota
    from pregon.sending.models import Backend, BackendKind, Security, SenderIdentity

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    Contact.objects.bulk_create(
        (
            Contact(
                email=f"persona{n}@example.pe",
                first_name=FIRST[n % len(FIRST)] if n % 10 else "",
                last_name=f"{LAST[n % len(LAST)]} {LAST[n // 7 % len(LAST)]}",
            )
            for n in range(messages)
        ),
        batch_size=5000,
    )
    course = MailingList.objects.create(name="Curso virtual 2026")
    table = Subscription._meta.db_table
    with connection.cursor() as cursor:
        # Set-based: one statement puts every contact on the list.
        cursor.execute(
            f"INSERT INTO {table} (contact_id, mailing_list_id, created_at) "  # noqa: S608
            f"SELECT id, %s, %s FROM {Contact._meta.db_table}",
            [course.pk, timezone.now()],
        )
    quota.ensure_plan()
    template = EmailTemplate(name="Cursos de diciembre", format=Format.MJML, gallery_key="curso")
    template.set_source(branded_source("curso"))
    template.save()
    sender = SenderIdentity.objects.create(
        from_name="Escuela de Capacitación",
        from_email="capacitacion@escuela.example.pe",
        reply_to="consultas@escuela.example.pe",
    )
    Backend.objects.create(
        name="smtp-sink",
        kind=BackendKind.SMTP,
        host="127.0.0.1",
        port=port,
        security=Security.NONE,
        # One connection per worker: with fewer slots, the workers beyond them would wait.
        max_connections=max(workers, 1),
    )
    campaign = Campaign.objects.create(
        name="Cursos de diciembre", subject=SUBJECT, sender=sender, template=template
    )
    campaign.include_lists.add(course)
    campaign.schedule(timezone.now())
    scheduling.start_due_campaigns()
    print(
        f"# set up {messages:,} contacts and queued them in {time.perf_counter() - started:.1f} s"
    )


def run(
    engine: str, args: argparse.Namespace, port: int, source: str, sink: tuple[int, Path]
) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Q, Sum

    from pregon.sending.models import Message, MessageStatus, QuotaDebit

    assert settings.QUOTA_MONTHLY >= args.messages
    setup(args.messages, port, args.workers)
    queued = Message.objects.filter(status=MessageStatus.QUEUED).count()
    if queued != args.messages:
        print(f"# {queued} messages queued, not {args.messages}", file=sys.stderr)
        return 1

    # Two terms, not one IN: each can use its status's partial index (an IN of the two
    # cannot), so the count that runs five times a second reads only the unsent messages.
    pending = Message.objects.filter(
        Q(status=MessageStatus.QUEUED) | Q(status=MessageStatus.SENDING)
    )
    sink_pid, counters = sink
    monitor = None
    if engine == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            monitor = cursor.fetchone()[0]
    server = ServerCpu(connection.settings_dict["NAME"], monitor)
    monitor_start, sink_start = cpu_or_zero(monitor), cpu_seconds(sink_pid)
    worker_command = [sys.executable, "-m", "pregon", "runsender"]
    worker_command += ["--batch", str(args.batch), "--idle", "0.05"]
    started = time.perf_counter()
    workers = [
        subprocess.Popen(worker_command, cwd=ROOT)  # noqa: S603
        for _ in range(args.workers)
    ]
    memory: dict[int, list[tuple[float, float]]] = {}
    reached: dict[int, float] = {}
    try:
        milestones = list(MILESTONES)
        while milestones:
            time.sleep(0.2)
            if any(worker.poll() is not None for worker in workers):
                print("# a worker exited before the campaign was sent", file=sys.stderr)
                return 1
            done = 100 * (args.messages - pending.count()) / args.messages
            server.read()
            while milestones and done >= milestones[0]:
                reached[milestones[0]] = time.perf_counter() - started
                memory[milestones.pop(0)] = [memory_mb(worker.pid) for worker in workers]
        elapsed = time.perf_counter() - started
        # CPU time, unlike the rate, hardly depends on what else keeps the machine busy.
        worker_cpu = sum(cpu_seconds(worker.pid) for worker in workers)
        server.read()
        server_cpu, shared_cpu = server.total(), server.shared() - server.shared_start
        monitor_cpu = cpu_or_zero(monitor) - monitor_start
        sink_cpu = cpu_seconds(sink_pid) - sink_start
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait()

    sent = Message.objects.filter(status=MessageStatus.SENT).count()
    failed = Message.objects.filter(status=MessageStatus.FAILED).count()
    debited = QuotaDebit.objects.aggregate(total=Sum("count"))["total"] or 0
    received = sink_count(counters)
    print(f"# sent {sent:,}, failed {failed:,}, debited {debited:,}; smtp-sink got {received:,}")
    if not (sent == args.messages == debited == received and failed == 0):
        print("# the counts do not add up", file=sys.stderr)
        return 1
    sizes = check_sample()
    if sizes is None:
        return 1
    size = round(statistics.mean(sizes))

    # The raw limit: Postfix's own client, as many messages of our size into the same sink.
    # -d keeps each session's connection for the next message, as our workers do; -l is
    # the body's length (smtp-source adds a few short headers).
    source_command = [source, "-d", "-s", "20", "-l", str(size), "-m", str(args.messages)]
    source_started = time.perf_counter()
    subprocess.run([*source_command, f"127.0.0.1:{port}"], check=True)  # noqa: S603
    source_elapsed = time.perf_counter() - source_started

    ours = args.messages / elapsed
    raw = args.messages / source_elapsed
    print(f"# {args.messages:,} messages, {args.workers} workers, batches of {args.batch}")
    print(f"# message size {size / 1024:.1f} KB ({size:,} bytes, mean of {len(sizes)})")
    print(f"# ours: {elapsed:.1f} s from starting the workers to nothing queued or sending")
    steady = 0.75 * args.messages / (reached[100] - reached[25])
    print(f"# ours from 25 to 100 %, without the workers' start: {steady:.0f} msg/s")
    print(f"# smtp-source: {source_elapsed:.1f} s ({' '.join(source_command[1:])})")
    for milestone, readings in memory.items():
        each = ", ".join(f"{rss:.0f} (peak {hwm:.0f})" for rss, hwm in readings)
        print(f"# at {milestone} % ({reached[milestone]:.1f} s), workers' memory, MB: {each}")
    per_message = 1000 / args.messages
    print(f"# smtp-sink's CPU: {sink_cpu * per_message:.3f} ms a message")
    if server.seen:
        print(
            f"# PostgreSQL's CPU a message: {server_cpu * per_message:.3f} ms in the workers' "
            f"{len(server.seen)} backends, {monitor_cpu * per_message:.3f} ms in this script's "
            f"(its progress counts), {shared_cpu * per_message:.3f} ms in the server's WAL "
            "writer, checkpointer and background writer (shared by every database on it)"
        )
    print("# load after the run (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))
    peak = max(hwm for _rss, hwm in memory[100])
    print(f"BENCH send_campaign_msgs_per_s_{engine} {ours:.0f} msg/s")
    print(f"BENCH smtp_source_msgs_per_s {raw:.0f} msg/s")
    print(f"BENCH send_campaign_ratio_{engine} {100 * ours / raw:.1f} %")
    print(f"BENCH send_campaign_worker_peak_rss_{engine} {peak:.0f} MB")
    cpu_ms = 1000 * worker_cpu / args.messages
    print(f"BENCH send_campaign_worker_cpu_per_msg_{engine} {cpu_ms:.2f} ms")
    if server.seen:
        backends_ms = server_cpu * per_message
        print(f"BENCH send_campaign_backend_cpu_per_msg_{engine} {backends_ms:.3f} ms")
    return 0


def check_sample() -> list[int] | None:
    """Build ``SAMPLE`` of the sent messages again and verify them; their sizes, or None.

    smtp-sink keeps nothing, so this is what shows the figure is for correct messages: both
    DKIM signatures verify with dkimpy (keys from our DkimKey rows, no DNS), and the subject
    and recipient are the contact's.
    """
    import dkim

    from pregon.domains.models import DkimKey
    from pregon.sending import engine
    from pregon.sending.models import Message
    from pregon.sending.transports import outbox

    records = {
        f"{key.selector}._domainkey.{key.domain.name}.".encode(): key.dns_value.encode()
        for key in DkimKey.objects.select_related("domain")
    }

    def dns(name: bytes, timeout: int = 5) -> bytes:
        return records[name]

    worker = engine.Worker(outbox())
    messages = Message.objects.select_related("mailing__sender__domain", "contact")
    ids = list(Message.objects.order_by("pk").values_list("pk", flat=True))
    sample = ids[:: max(len(ids) // SAMPLE, 1)][:SAMPLE]
    sizes = []
    for message in messages.filter(pk__in=sample):
        _return_path, data = worker.build(message)
        sizes.append(len(data))
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        signatures = len(re.findall(rb"^DKIM-Signature:", data, re.MULTILINE))
        verifier = dkim.DKIM(data)
        greeting = message.contact.first_name or "Colega"
        problems = [
            what
            for what, wrong in [
                ("two DKIM signatures", signatures != 2),
                ("the Ed25519 signature", not verifier.verify(idx=0, dnsfunc=dns)),
                ("the RSA signature", not verifier.verify(idx=1, dnsfunc=dns)),
                ("the recipient", parsed["To"].addresses[0].addr_spec != message.email),
                ("the subject", not parsed["Subject"].startswith(f"{greeting}, ")),
            ]
            if wrong
        ]
        if problems:
            print(f"# message {message.pk}: wrong {', '.join(problems)}", file=sys.stderr)
            return None
    print(f"# {len(sizes)} messages built again: both DKIM signatures verify with dkimpy")
    return sizes


if __name__ == "__main__":
    sys.exit(main())
