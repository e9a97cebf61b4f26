"""Scale-out under faults (issue 19 §2): a campaign sent by many processes on PostgreSQL
while senders are killed, the relay refuses and drops, and PostgreSQL restarts.

    .venv/bin/python bench/scaleout.py [--messages 100000] [--kills 10] [--batch 100]

Needs PostgreSQL 15's server programs (/usr/lib/postgresql/15/bin: initdb, pg_ctl) and
Postfix's smtp-sink. It never touches the machine's PostgreSQL: it makes a throw-away
cluster in a temporary folder, on a free port (55432 if free), with trust authentication and
fsync on, and restarts that one. The database is built as bench/send_campaign.py builds its
own (``setup``: subscribed contacts, the gallery's announcement, a dual-signed sender, a
started campaign), plus a few small campaigns of their own contacts, scheduled to start
during the run: the two schedulers must start each once.

Runs, each restarted when it dies by run.py's Supervisor: 2 web servers (gunicorn, as
``pregon run`` starts it, one worker each), 4 senders (``pregon runsender``), 2 task workers
(``pregon db_worker``) and 2 schedulers (``pregon runscheduler``, only one leads). The
senders reach smtp-sink through pregon/testing/faults.py's proxy, which refuses ~10 % of
transactions with 421 or 451, drops ~2 % of connections at random moments, and records
every message smtp-sink accepted. During the campaign it SIGKILLs a random sender
``--kills`` times, at random points of the campaign's progress, and restarts PostgreSQL
(``pg_ctl restart -m fast``) once, half-way.

Then it checks, and prints as BENCH lines: every message delivered exactly once but for
at most one batch in flight per kill (``--kills`` times ``--batch`` duplicates allowed, each
counted), none lost, the quota ledger's debits equal to the messages recorded sent and to
the distinct messages smtp-sink accepted, no tick of one scheduler overlapping another's and
every small campaign started once, and every process answering again (the web servers
answer an API request, which reads the database). Exits 1 when a condition fails.
"""

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

# Run from anywhere: import this checkout's pregon, whatever the venv's install points at.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database
from send_campaign import free_port, postfix_tool, sink_count, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "pregon_bench_scaleout"
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
PREFERRED_PORT = 55432
# Small campaigns the schedulers start during the run, and each one's contacts.
PROBES, PROBE_CONTACTS = 5, 20
SENDERS, WEB, TASK_WORKERS, SCHEDULERS = 4, 2, 2, 2
# Short retry delays, so that refused messages go again within the run (seconds).
RETRY_DELAYS = "2,4,8,16,32"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--refuse", type=float, default=0.10)
    parser.add_argument("--drop", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--timeout", type=float, default=40, help="minutes before giving up")
    parser.add_argument("--keep-logs", type=Path, help="copy the processes' logs here")
    parser.add_argument("--supervise", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.supervise:
        return supervise(args.supervise)
    sys.stdout.reconfigure(line_buffering=True)
    sink = postfix_tool("smtp-sink")
    if sink is None or not (POSTGRES_BIN / "initdb").exists():
        print("# needs smtp-sink (postfix) and PostgreSQL 15's initdb and pg_ctl", file=sys.stderr)
        return 2
    print("# load average (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))
    print(f"# seed {args.seed}")
    random.seed(args.seed)
    with throwaway_cluster() as cluster:
        os.environ["PREGON_DATABASE_URL"] = cluster.url("postgres")
        with own_database(BENCH_DATABASE) as (_engine, var_dir):
            os.environ["PREGON_QUOTA_MONTHLY"] = str(2 * args.messages + 50_000)
            os.environ["PREGON_QUOTA_START"] = ""
            os.environ["PREGON_SENDING_RETRY_DELAYS"] = RETRY_DELAYS
            with contextlib.ExitStack() as stack:
                sink_port, proxy_port = free_port(), free_port()
                counters = var_dir / "smtp-sink.out"
                stack.enter_context(smtp_sink(sink, sink_port, counters))
                record = var_dir / "accepted.log"
                # By its path: the package pregon.testing needs Django set up, the proxy does not.
                proxy = [sys.executable, str(ROOT / "pregon/testing/faults.py"), "--upstream"]
                proxy += [str(sink_port), "--port", str(proxy_port), "--record", str(record)]
                proxy += ["--refuse", str(args.refuse), "--drop", str(args.drop)]
                proxy += ["--seed", str(args.seed)]
                stack.enter_context(background(proxy, var_dir / "proxy.log", proxy_port))
                return Run(args, cluster, var_dir, proxy_port).go(record, counters)


class Cluster:
    """A PostgreSQL cluster of our own in a temporary folder."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.data = folder / "data"

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def pg_ctl(self, *arguments: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        options += " -c fsync=on -c max_connections=200"
        command = [str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60"]
        command += ["-l", str(self.folder / "server.log"), "-o", options, *arguments]
        as_postgres(command)


def as_postgres(command: list[str]) -> None:
    """PostgreSQL's programs refuse to run as root: as root, they run as postgres."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    folder = Path(tempfile.mkdtemp(prefix="pregon-scaleout-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    cluster = Cluster(folder, port_or_free(PREFERRED_PORT))
    try:
        initdb = [str(POSTGRES_BIN / "initdb"), "-D", str(cluster.data), "-U", "postgres"]
        as_postgres([*initdb, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        cluster.pg_ctl("start")
        print(f"# a throw-away PostgreSQL cluster on port {cluster.port} in {folder}")
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def port_or_free(port: int) -> int:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
            return port
        except OSError:
            return free_port()


@contextlib.contextmanager
def smtp_sink(sink: str, port: int, counters: Path) -> Iterator[None]:
    command = [sink, "-c", *(["-u", "nobody"] if os.geteuid() == 0 else [])]
    with background([*command, f"127.0.0.1:{port}", "2000"], counters, port):
        yield


@contextlib.contextmanager
def background(command: list[str], log: Path, port: int) -> Iterator[subprocess.Popen]:
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT)  # noqa: S603
    try:
        wait_for_port(port, process)
        yield process
    finally:
        process.terminate()
        process.wait()


class Run:
    def __init__(self, args: argparse.Namespace, cluster: Cluster, var_dir: Path, port: int):
        self.args, self.cluster, self.var_dir, self.proxy_port = args, cluster, var_dir, port
        self.logs = var_dir / "logs"
        self.logs.mkdir()
        self.web_ports = [free_port() for _ in range(WEB)]
        self.probes: list[int] = []

    def go(self, record: Path, counters: Path) -> int:
        import django

        django.setup()
        from send_campaign import setup

        setup(self.args.messages, self.proxy_port, SENDERS)
        self.make_probes()
        supervisor = self.start_processes()
        started = time.monotonic()
        try:
            kills, restarted_pg = self.disturb(started)
            wall = time.monotonic() - started
            up = self.everyone_up()
        finally:
            supervisor.send_signal(signal.SIGTERM)
            supervisor.wait(timeout=60)
            if self.args.keep_logs:
                shutil.copytree(self.logs, self.args.keep_logs, dirs_exist_ok=True)
        time.sleep(1)  # The proxy writes its last lines.
        return self.report(record, counters, kills, restarted_pg, wall, up)

    def make_probes(self) -> None:
        """Small campaigns, each with contacts of its own, which ``disturb`` schedules."""
        from pregon.campaigns.models import Campaign
        from pregon.contacts.models import Contact, MailingList, Subscription

        main = Campaign.objects.get()
        for number in range(PROBES):
            group = MailingList.objects.create(name=f"Prueba del planificador {number + 1}")
            contacts = Contact.objects.bulk_create(
                Contact(email=f"planificador{number}-{n}@example.pe") for n in range(PROBE_CONTACTS)
            )
            Subscription.objects.bulk_create(
                Subscription(contact=contact, mailing_list=group) for contact in contacts
            )
            probe = Campaign.objects.create(
                name=f"Prueba {number + 1}",
                subject=main.subject,
                sender=main.sender,
                template=main.template,
            )
            probe.include_lists.add(group)
            self.probes.append(probe.pk)

    def start_processes(self) -> subprocess.Popen:
        from pregon.management.commands.run import web_command

        pregon = [sys.executable, "-m", "pregon"]
        commands = {}
        for n, port in enumerate(self.web_ports):
            commands[f"web-{n + 1}"] = web_command(f"127.0.0.1:{port}")
        for n in range(SENDERS):
            commands[f"sender-{n + 1}"] = [*pregon, "runsender", "--batch", str(self.args.batch)]
        for n in range(TASK_WORKERS):
            commands[f"worker-{n + 1}"] = [*pregon, "db_worker", "--queue-name", "*"]
        for n in range(SCHEDULERS):
            # -v 2: a line per tick, with its times, for the audit of who ticked when.
            commands[f"scheduler-{n + 1}"] = [*pregon, "runscheduler", "--interval", "1", "-v", "2"]
        plan = self.var_dir / "processes.json"
        plan.write_text(json.dumps({"commands": commands, "logs": str(self.logs)}))
        env = {**os.environ, "PREGON_WEB_WORKERS": "1"}
        command = [sys.executable, __file__, "--supervise", str(plan)]
        with open(self.logs / "supervisor.log", "wb") as output:
            return subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)  # noqa: S603

    def pids(self) -> dict[str, int]:
        """Each supervised process's latest pid, from the supervisor's log."""
        pids = {}
        for line in (self.logs / "supervisor.log").read_text().splitlines():
            if line.startswith("started "):
                _, name, pid = line.split()
                pids[name] = int(pid)
        return pids

    def disturb(self, started: float) -> tuple[int, bool]:
        """Wait for the campaign to be sent, killing senders and restarting PostgreSQL on
        the way, at random points of its progress."""
        kill_at = sorted(random.uniform(0.05, 0.85) for _ in range(self.args.kills))
        # The small campaigns are made due at even points of the progress, one before the
        # restart's, so that the schedulers start them before, across and after it.
        probe_at = [(0.1 + 0.8 * n / PROBES, pk) for n, pk in enumerate(self.probes)]
        restart_at = 0.5
        kills, restarted, said = 0, False, started
        total = self.args.messages + PROBES * PROBE_CONTACTS
        deadline = started + 60 * self.args.timeout
        while time.monotonic() < deadline:
            time.sleep(0.5)
            progress = progress_or_none()
            if progress is None:
                continue
            done, pending, probes_due = progress
            if time.monotonic() - said >= 10:
                said = time.monotonic()
                print(f"# {said - started:6.1f} s: {done:,} sent, {pending:,} to send")
            if kill_at and done / total >= kill_at[0]:
                name = f"sender-{random.randint(1, SENDERS)}"
                pid = self.pids()[name]
                # One being started again after an earlier kill waits for the next turn.
                if running(pid):
                    os.kill(pid, signal.SIGKILL)
                    kill_at.pop(0)
                    kills += 1
                    print(f"# {time.monotonic() - started:6.1f} s: SIGKILL {name} (pid {pid})")
            if probe_at and done / total >= probe_at[0][0] and schedule_now(probe_at[0][1]):
                probe_at.pop(0)
            if not restarted and done / total >= restart_at:
                print(f"# {time.monotonic() - started:6.1f} s: restarting PostgreSQL")
                from django.db import connection

                connection.close()
                self.cluster.pg_ctl("-m", "fast", "restart")
                restarted = True
                print(f"# {time.monotonic() - started:6.1f} s: PostgreSQL is back")
            if not (pending or probes_due or kill_at or probe_at) and restarted:
                return kills, restarted
        print("# timed out before the campaign was sent", file=sys.stderr)
        return kills, restarted

    def everyone_up(self) -> bool:
        """Every supervised process is running, and each web server reads the database."""
        time.sleep(3)
        alive = {name: running(pid) for name, pid in self.pids().items()}
        down = [name for name, ok in alive.items() if not ok]
        for n, port in enumerate(self.web_ports):
            if not web_answers(port):
                down.append(f"web-{n + 1} (no answer)")
        if down:
            print(f"# not running at the end: {', '.join(down)}", file=sys.stderr)
        return not down

    def report(
        self, record: Path, counters: Path, kills: int, restarted_pg: bool, wall: float, up: bool
    ) -> int:
        from django.db.models import Max, Min, Sum

        from pregon.campaigns.models import Campaign
        from pregon.sending.models import Mailing, Message, MessageStatus, QuotaDebit

        accepted = Counter()
        for line in record.read_text().splitlines():
            if line.startswith("accepted "):
                accepted[line.split()[1]] += 1
        statuses = Counter(Message.objects.values_list("status", flat=True))
        emails = set(Message.objects.values_list("email", flat=True))
        messages = sum(statuses.values())
        sent = statuses[MessageStatus.SENT]
        duplicates = sum(count - 1 for count in accepted.values())
        lost = len(emails - set(accepted))
        debited = QuotaDebit.objects.aggregate(total=Sum("count"))["total"] or 0
        sink_total = sink_count(counters)
        span = Message.objects.aggregate(first=Min("sent_at"), last=Max("sent_at"))
        sending = (span["last"] - span["first"]).total_seconds()
        # A campaign started twice would have two mailings (start() makes one each time).
        mailings = Counter(Mailing.objects.values_list("feedback_id", flat=True))
        started_twice = sum(
            1
            for pk in Campaign.objects.values_list("pk", flat=True)
            if mailings[f"{pk}:campaign:pregon"] != 1
        )
        twice = overlapping_ticks(self.logs) + started_twice
        restarts = (self.logs / "supervisor.log").read_text().count("restarted ")
        allowed = kills * self.args.batch
        print(f"# statuses: {dict(statuses)}; smtp-sink counted {sink_total:,} messages")
        print(f"# duplicates allowed: {kills} kills times a batch of {self.args.batch} = {allowed}")
        print("# load average (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))
        print(f"BENCH scaleout_messages {messages} messages")
        print(f"BENCH scaleout_delivered {len(accepted)} messages")
        print(f"BENCH scaleout_duplicates {duplicates} messages")
        print(f"BENCH scaleout_lost {lost} messages")
        print(f"BENCH scaleout_ledger_debits {debited} messages")
        print(f"BENCH scaleout_accepted {sent} messages")
        print(f"BENCH scaleout_scheduler_jobs_twice {twice} jobs")
        print(f"BENCH scaleout_sender_kills {kills} kills")
        print(f"BENCH scaleout_processes_restarted {restarts} processes")
        # From the processes' start (each one loads Django: seconds on a busy machine).
        print(f"BENCH scaleout_wall {wall:.1f} s")
        print(f"BENCH scaleout_sending {sending:.1f} s")
        # From the first message recorded sent to the last.
        print(f"BENCH scaleout_rate {len(accepted) / sending:.0f} msg/s")
        failures = [
            what
            for what, wrong in [
                (f"{duplicates} duplicates > {allowed}", duplicates > allowed),
                (f"{lost} lost", lost),
                (f"{statuses[MessageStatus.FAILED]} failed", statuses[MessageStatus.FAILED]),
                (f"{sent} of {messages} recorded sent", sent != messages),
                (f"ledger {debited} != accepted {sent}", debited != sent),
                (f"{len(accepted)} delivered != {sent} sent", len(accepted) != sent),
                (
                    f"smtp-sink {sink_total} != {sum(accepted.values())}",
                    sink_total != sum(accepted.values()),
                ),
                (f"{twice} scheduler jobs twice", twice),
                (f"{kills} kills of {self.args.kills}", kills != self.args.kills),
                ("PostgreSQL not restarted", not restarted_pg),
                ("a process is not back", not up),
            ]
            if wrong
        ]
        if failures:
            print("# FAILED: " + "; ".join(failures), file=sys.stderr)
            return 1
        print("# every condition holds")
        return 0


def progress_or_none() -> tuple[int, int, int] | None:
    """(messages sent, messages queued or sending, small campaigns not started yet), or
    None while the database is away (PostgreSQL restarting)."""
    from django.db import DatabaseError, connection

    from pregon.campaigns.models import Campaign, CampaignStatus
    from pregon.sending.models import Message, MessageStatus

    try:
        statuses = Counter(Message.objects.values_list("status", flat=True))
        due = Campaign.objects.filter(status=CampaignStatus.SCHEDULED).count()
    except DatabaseError:
        connection.close()
        return None
    pending = statuses[MessageStatus.QUEUED] + statuses[MessageStatus.SENDING]
    return statuses[MessageStatus.SENT], pending, due


def running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie its parent has yet to reap."""
    try:
        # The state follows the command's name, which is in parentheses.
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def schedule_now(pk: int) -> bool:
    """Schedule campaign ``pk`` for now (the schedulers start it); False if the database
    is away."""
    from django.db import DatabaseError, connection
    from django.utils import timezone

    from pregon.campaigns.models import Campaign

    try:
        Campaign.objects.get(pk=pk).schedule(timezone.now())
        return True
    except DatabaseError:
        connection.close()
        return False


def web_answers(port: int) -> bool:
    """Whether the web server at ``port`` answers a request that reads the database (an
    API call with a token nobody has: 401 once the token was looked up)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/contacts",
        headers={"Authorization": "Bearer pregon-scaleout-probe"},
    )
    for _ in range(10):
        try:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310
            return True
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return True
        except OSError:
            pass
        time.sleep(1)
    return False


def overlapping_ticks(logs: Path) -> int:
    """Ticks that overlapped one of another scheduler's (the audit lines of runscheduler -v 2)."""
    ticks = []
    for log in logs.glob("scheduler-*.log"):
        for line in log.read_text().splitlines():
            if line.startswith("ticked "):
                _, name, start, end = line.split()
                ticks.append((float(start), float(end), name))
    ticks.sort()
    overlaps, latest_end, latest_name = 0, 0.0, ""
    for start, end, name in ticks:
        if name != latest_name and start < latest_end:
            overlaps += 1
        if end > latest_end:
            latest_end, latest_name = end, name
    leaders = len({name for _start, _end, name in ticks})
    print(f"# {len(ticks)} ticks by {leaders} scheduler processes in turn")
    return overlaps


def supervise(plan_file: Path) -> int:
    """The supervisor process: run.py's Supervisor, each child's output in a file of its own."""
    import django

    django.setup()
    from django.core.management.base import OutputWrapper

    from pregon.management.commands.run import Supervisor

    plan = json.loads(plan_file.read_text())
    logs = Path(plan["logs"])

    class Harnessed(Supervisor):
        def start(self, name: str) -> None:
            if name in self.children:
                print(f"restarted {name}", flush=True)
            with open(logs / f"{name}.log", "ab") as output:
                self.children[name] = subprocess.Popen(  # noqa: S603
                    self.commands[name], stdout=output, stderr=subprocess.STDOUT, cwd=ROOT
                )
            print(f"started {name} {self.children[name].pid}", flush=True)

    Harnessed(plan["commands"], OutputWrapper(sys.stdout)).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
