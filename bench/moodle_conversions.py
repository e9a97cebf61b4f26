"""Benchmark: what turning a sync's new enrolments into conversions adds to its transaction.

    .venv/bin/python bench/moodle_conversions.py [--contacts 100000] [--batch 5000]

Builds its own database (see benchdb.py): ``--contacts`` contacts, a sent campaign to all of
them that announces a Moodle course, a person's click from one in ten (and a link scanner's
from one in fifty) within the last ten days, opens from a third, and a pop-up announcing the
same course clicked by one in twenty known visitors. Then emits ``moodle.enrolled`` as the
sync does for one course's new enrolments (``--batch`` of them, one payload each, in one
transaction), so that both listeners (pregon.campaigns.moodle_conversions and
pregon.popups.moodle_conversions) record what they find. Prints:

- ``BENCH moodle_conversions_batch_<engine> <ms> ms``: the batch of enrolments in the
  announced course, with the conversions it records;
- ``BENCH moodle_conversions_idle_<engine> <ms> ms``: a batch as large in a course nothing
  announces (most courses, most syncs);
- ``BENCH moodle_conversions_queries_<engine> <n> queries``: the announced batch's queries.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database

BENCH_DATABASE = "pregon_bench_moodle_conversions"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000)
    args = parser.parse_args()
    with own_database(BENCH_DATABASE) as (engine, _var_dir):
        return run(engine, args)


def run(engine: str, args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from pregon.campaigns.models import Campaign, CampaignStatus
    from pregon.contacts.models import Contact
    from pregon.lib import events
    from pregon.moodle.models import Connection, Course
    from pregon.popups.models import Popup, PopupEvent, PopupEventKind
    from pregon.sending.models import Mailing, Message, SenderIdentity
    from pregon.tracking.models import Event, EventKind

    call_command("migrate", verbosity=0)
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        Connection.objects.create(url="https://aula.example.gob.pe", conversion_days=14)
        course = Course.objects.create(moodle_id=12, fullname="Contrataciones", shortname="CE")
        quiet = Course.objects.create(moodle_id=13, fullname="Gestión", shortname="GP")
        sender = SenderIdentity.objects.create(from_name="Escuela", from_email="a@escuela.pe")
        mailing = Mailing.objects.create(
            subject="Hola", html="", text="", sender=sender, links=["https://aula.example.gob.pe"]
        )
        Campaign.objects.create(
            name="Curso", subject="Hola", mailing=mailing, status=CampaignStatus.SENT, course=course
        )
        popup = Popup.objects.create(name="Curso", title="Curso", promoted_course=course)
        Contact.objects.bulk_create(
            (Contact(email=f"persona{n}@example.pe") for n in range(args.contacts)),
            batch_size=5000,
        )
        contacts = list(Contact.objects.order_by("pk").values_list("pk", flat=True))
        sent_at = now - datetime.timedelta(days=12)
        Message.objects.bulk_create(
            (
                Message(mailing=mailing, contact_id=pk, email=f"{pk}@example.pe", status="sent")
                for pk in contacts
            ),
            batch_size=5000,
        )
        Message.objects.update(sent_at=sent_at)
        messages = list(Message.objects.order_by("pk").values_list("pk", flat=True))
        rows = []
        for n, message_id in enumerate(messages):
            # Spread over the last ten days.
            at = now - datetime.timedelta(days=10) + datetime.timedelta(minutes=n % 14_000)
            if n % 3 == 0:
                rows.append(Event(kind=EventKind.OPENED, message_id=message_id, at=at))
            if n % 10 == 0:
                rows.append(Event(kind=EventKind.CLICKED, message_id=message_id, at=at, link=0))
            if n % 50 == 1:
                rows.append(
                    Event(
                        kind=EventKind.CLICKED, message_id=message_id, at=sent_at, machine="scanner"
                    )
                )
        Event.objects.bulk_create(rows, batch_size=5000)
        PopupEvent.objects.bulk_create(
            (
                PopupEvent(popup=popup, kind=PopupEventKind.CLICKED, contact_id=pk, at=now)
                for pk in contacts[::20]
            ),
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if engine == "postgresql" else "ANALYZE")
    print(f"# {engine}: {args.contacts:,} contacts filled in {time.perf_counter() - started:.1f} s")
    print("# load average (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))

    found = (now + datetime.timedelta(minutes=1)).isoformat()

    def batch(course_pk: int) -> float:
        payloads = [
            {"contact": pk, "course": course_pk, "moodle_course": 0, "at": found}
            for pk in contacts[: args.batch]
        ]
        began = time.perf_counter()
        with transaction.atomic():
            events.emit(events.MOODLE_ENROLLED, payloads)
        return (time.perf_counter() - began) * 1000

    idle_ms = batch(quiet.pk)
    with CaptureQueriesContext(connection) as queries:
        batch_ms = batch(course.pk)
    converted = Event.objects.filter(kind=EventKind.CONVERTED).count()
    popup_converted = PopupEvent.objects.filter(kind=PopupEventKind.CONVERTED).count()
    print(
        f"# {args.batch:,} new enrolments: {converted:,} campaign conversions, "
        f"{popup_converted:,} pop-up conversions"
    )
    print(f"BENCH moodle_conversions_batch_{engine} {batch_ms:.0f} ms")
    print(f"BENCH moodle_conversions_idle_{engine} {idle_ms:.1f} ms")
    print(f"BENCH moodle_conversions_queries_{engine} {len(queries)} queries")
    slowest = sorted(queries.captured_queries, key=lambda query: -float(query["time"]))[:5]
    spent = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    print(f"# {spent:.0f} ms in the database; the slowest queries:")
    for query in slowest:
        print(f"# {float(query['time']) * 1000:.0f} ms {query['sql'][:120]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
