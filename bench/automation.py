"""Benchmark: 100,000 contacts through a workflow trigger → email → wait 0 → branch → tag
(target: >= 2,000 contact-steps/s, excluding the emails' delivery; worker memory flat).

    .venv/bin/python bench/automation.py [--contacts 100000] [--workers 1] [--batch 500]

Builds its own database (see benchdb.py): ``--contacts`` subscribed contacts, a list, a
ready template, a sender and an SMTP backend pointing at Postfix's smtp-sink on a free
loopback port. The workflow starts when a contact joins the list; its email step queues a
message of the node's mailing, the wait is 0 minutes, the branch asks whether the contact
opened this workflow's email (nobody has: "no") and the last step tags the contact.

The list joins are emitted as ``contact.list_joined`` events in batches of 1,000, as a bulk
add to a list does, and the listener enrols each contact in the emitter's transaction. Then
``--workers`` processes of ``pregon runautomation`` run the steps until no enrolment is left
waiting; their memory (VmRSS, VmHWM) is read from /proc at 25, 50 and 100 %. Last, the
sending engine's workers deliver the queued emails into smtp-sink (timed apart: the target
excludes delivery). It checks that every contact took each of the 5 steps exactly once,
got exactly one message, ended "completed" with the tag, and that smtp-sink received every
email. Prints:

- ``BENCH automation_enrol_per_s_<engine>``: contacts enrolled per second by the listener;
- ``BENCH automation_steps_per_s_<engine>``: contact-steps per second, all workers together;
- ``BENCH automation_worker_peak_rss_<engine>``: the largest worker's VmHWM, in MB;
- ``BENCH automation_delivery_msgs_per_s_<engine>``: the emails' delivery, for reference.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database
from send_campaign import free_port, memory_mb, postfix_tool, sink_count, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "pregon_bench_automation"
STEPS = 5
MILESTONES = (25, 50, 100)
HTML = (
    "<html><body><p>Hola {{ nombre | default('colega') }}, empieza su curso.</p>"
    '<p><a href="https://aula.example.gob.pe/curso">Ver el curso</a></p>'
    '<p><a href="{{ enlace_baja }}">Darse de baja</a></p></body></html>'
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    sink = postfix_tool("smtp-sink")
    if sink is None:
        print("smtp-sink is missing: install Debian's postfix package", file=sys.stderr)
        return 2
    with own_database(BENCH_DATABASE) as (engine, var_dir):
        os.environ["PREGON_QUOTA_MONTHLY"] = str(max(args.contacts * 2, 50_000))
        os.environ["PREGON_QUOTA_START"] = ""
        port = free_port()
        command = [sink, "-c", *(["-u", "nobody"] if os.geteuid() == 0 else [])]
        command += [f"127.0.0.1:{port}", "2000"]
        counters = var_dir / "smtp-sink.out"
        with open(counters, "wb") as output:
            sink_process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            wait_for_port(port, sink_process)
            return run(engine, args, port, counters)
        finally:
            sink_process.terminate()
            sink_process.wait()


def setup(contacts: int, port: int) -> object:
    """Contacts, a list, a template, a sender, a backend and the active workflow; the list."""
    from django.core.management import call_command

    from pregon.automation import lifecycle
    from pregon.automation.models import Workflow
    from pregon.contacts.models import Contact, MailingList
    from pregon.content.models import EmailTemplate, Format
    from pregon.sending import quota
    from pregon.sending.models import Backend, BackendKind, Security, SenderIdentity

    call_command("migrate", verbosity=0)
    Contact.objects.bulk_create(
        (Contact(email=f"persona{n}@example.pe", first_name=f"Nombre{n}") for n in range(contacts)),
        batch_size=5000,
    )
    course = MailingList.objects.create(name="Curso virtual 2026")
    quota.ensure_plan()
    template = EmailTemplate(name="Bienvenida", format=Format.HTML)
    template.set_source(HTML)
    template.save()
    sender = SenderIdentity.objects.create(
        from_name="Escuela de Capacitación", from_email="capacitacion@escuela.example.pe"
    )
    Backend.objects.create(
        name="smtp-sink",
        kind=BackendKind.SMTP,
        host="127.0.0.1",
        port=port,
        security=Security.NONE,
        max_connections=4,
    )

    def node(node_id: str, node_type: str, **config: object) -> dict:
        return {"id": node_id, "type": node_type, "config": config, "x": 0, "y": 0}

    graph = {
        "nodes": [
            node("n1", "trigger", kind="list_joined", list=str(course.code)),
            node(
                "n2",
                "email",
                template=str(template.code),
                subject="Hola {{ nombre }}",
                sender=sender.pk,
            ),
            node("n3", "wait", mode="duration", minutes=0),
            node("n4", "branch", kind="engagement", event="opened"),
            node("n5", "tag", action="add", tag="abrió"),
            node("n6", "tag", action="add", tag="sin-abrir"),
        ],
        "edges": [
            {"from": "n1", "to": "n2", "port": "next"},
            {"from": "n2", "to": "n3", "port": "next"},
            {"from": "n3", "to": "n4", "port": "next"},
            {"from": "n4", "to": "n5", "port": "yes"},
            {"from": "n4", "to": "n6", "port": "no"},
        ],
    }
    workflow = Workflow.objects.create(name="Bienvenida", graph=graph)
    lifecycle.activate(workflow)
    return course


def enrol(course: object) -> float:
    """Emit the list joins in batches of 1,000, each in its own transaction; the seconds."""
    from django.db import transaction

    from pregon.contacts.models import Contact
    from pregon.lib import events

    ids = list(Contact.objects.order_by("pk").values_list("pk", flat=True))
    started = time.perf_counter()
    for start in range(0, len(ids), 1000):
        with transaction.atomic():
            events.emit(
                events.LIST_JOINED,
                [{"contact": pk, "list": course.pk} for pk in ids[start : start + 1000]],
            )
    return time.perf_counter() - started


def workers_until(command: list[str], count: int, left: object, total: int) -> tuple:
    """Run ``count`` processes of ``command`` until ``left()`` is 0; (seconds, memory)."""
    started = time.perf_counter()
    processes = [subprocess.Popen(command, cwd=ROOT) for _ in range(count)]  # noqa: S603
    memory, milestones = {}, list(MILESTONES)
    try:
        while milestones:
            time.sleep(0.2)
            if any(process.poll() is not None for process in processes):
                raise RuntimeError("a worker exited before the end")
            done = 100 * (total - left()) / total
            while milestones and done >= milestones[0]:
                reading = [memory_mb(process.pid) for process in processes]
                memory[milestones.pop(0)] = (time.perf_counter() - started, reading)
        return time.perf_counter() - started, memory
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait()


def run(engine: str, args: argparse.Namespace, port: int, counters: Path) -> int:
    import django

    django.setup()
    from django.db.models import Count

    from pregon.automation.models import ACTIVE_STATUSES, Enrolment, EnrolmentStatus, StepLog
    from pregon.contacts.models import Contact
    from pregon.sending.models import Message, MessageStatus

    started = time.perf_counter()
    course = setup(args.contacts, port)
    print(f"# set up {args.contacts:,} contacts in {time.perf_counter() - started:.1f} s")
    enrol_seconds = enrol(course)
    entered = Enrolment.objects.count()
    print(f"# {entered:,} enrolled by the listener in {enrol_seconds:.1f} s")

    waiting = Enrolment.objects.filter(status__in=ACTIVE_STATUSES)
    command = [sys.executable, "-m", "pregon", "runautomation"]
    command += ["--batch", str(args.batch), "--idle", "0.05"]
    seconds, memory = workers_until(command, args.workers, waiting.count, entered)
    steps = StepLog.objects.count()

    pending = Message.objects.filter(status__in=[MessageStatus.QUEUED, MessageStatus.SENDING])
    sender = [sys.executable, "-m", "pregon", "runsender", "--batch", "100", "--idle", "0.05"]
    delivery_seconds, _memory = workers_until(sender, 2, pending.count, args.contacts)

    per_contact = set(
        StepLog.objects.values("enrolment").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    messages = Message.objects.values("contact").annotate(n=Count("pk"))
    checks = {
        "every contact enrolled once": entered == args.contacts,
        f"{STEPS} steps each, once": steps == STEPS * args.contacts and per_contact == {STEPS},
        "all completed": Enrolment.objects.filter(status=EnrolmentStatus.COMPLETED).count()
        == args.contacts,
        "one message each": messages.count() == args.contacts
        and set(messages.values_list("n", flat=True)) == {1},
        "all tagged": Contact.objects.filter(tags__name="sin-abrir").count() == args.contacts,
        "all emails received": Message.objects.filter(status=MessageStatus.SENT).count()
        == sink_count(counters)
        == args.contacts,
    }
    failed = [name for name, ok in checks.items() if not ok]
    print(
        f"# {args.contacts:,} contacts, {args.workers} automation workers, batches of {args.batch}"
    )
    print(f"# {steps:,} steps in {seconds:.1f} s; emails delivered in {delivery_seconds:.1f} s")
    for milestone, (at, readings) in memory.items():
        each = ", ".join(f"{rss:.0f} (peak {hwm:.0f})" for rss, hwm in readings)
        print(f"# at {milestone} % ({at:.1f} s), workers' memory, MB: {each}")
    print("# load average (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))
    if failed:
        print("# checks failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    print(f"BENCH automation_enrol_per_s_{engine} {entered / enrol_seconds:.0f} contacts/s")
    print(f"BENCH automation_steps_per_s_{engine} {steps / seconds:.0f} steps/s")
    peak = max(hwm for _rss, hwm in memory[100][1])
    print(f"BENCH automation_worker_peak_rss_{engine} {peak:.0f} MB")
    delivery = args.contacts / delivery_seconds
    print(f"BENCH automation_delivery_msgs_per_s_{engine} {delivery:.0f} msg/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
