"""Benchmark: the audiences of resends of a campaign sent to 50,000 contacts.

    .venv/bin/python bench/resend_audience.py [--contacts 50000] [--runs 5]

Builds its own database (bench/benchdb.py: pregon_bench_resend on PREGON_DATABASE_URL's
PostgreSQL server, or a new SQLite file). The campaign's messages: 90 % sent, 10 % failed
with no server's answer (a relay that was down); of the sent, 30 % were opened by a person
and 10 % by a privacy proxy. Times, one line each (``BENCH resend_<what>_<engine> <median>
ms``): counting those who did not open (people only), the unreached by reason and those
left to reach (what a finished campaign's page asks), and starting each resend (freezing it
and queueing its audience, once).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database

BENCH_DATABASE = "pregon_bench_resend"
HTML = (
    "<html><body><p>Hola {{ nombre | default('colega') }}.</p>"
    '<p><a href="{{ enlace_baja }}">Darte de baja</a></p></body></html>'
)


def fill(cursor: object, engine: str, mailing: int, contacts: int) -> None:
    postgres = engine == "postgresql"
    draw = "floor(random() * 1000)" if postgres else "(abs(random()) %% 1000)"
    now = "now()" if postgres else "datetime('now')"
    series = (
        "generate_series(1, %s) AS numbers(i)"
        if postgres
        else "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)"
        " SELECT i FROM n) AS numbers"
    )
    # Only the constants above are put into the SQL text; values go as parameters.
    cursor.execute(
        f"""INSERT INTO contacts_contact (code, email, first_name, last_name, phone, status,
            attributes, consent_source, consent_at, consent_text, created_at, updated_at)
        SELECT {"gen_random_uuid()" if postgres else "lower(hex(randomblob(16)))"},
            'persona' || i || '@example.pe', 'Nombre', 'Apellido', '', 'subscribed', '{{}}',
            'import', {now}, '', {now}, {now}
        FROM {series}""",  # noqa: S608
        [contacts],
    )
    cursor.execute(
        f"""INSERT INTO sending_message (mailing_id, contact_id, email, status, attempts,
            send_after, sent_at, reply, provider_message_id, skip_reason)
        SELECT %s, id, email, CASE WHEN id %% 10 = 0 THEN 'failed' ELSE 'sent' END, 1, {now},
            {now}, '', '', '' FROM contacts_contact""",  # noqa: S608
        [mailing],
    )
    for low, high, machine in ((0, 300, ""), (300, 400, "apple_mpp")):
        cursor.execute(
            f"""INSERT INTO tracking_event (kind, message_id, at, user_agent, client, device,
                machine, ip_hash, detail, method)
            SELECT 'opened', id, {now}, '', '', '', %s, '', '', ''
            FROM (SELECT id, {draw} AS r FROM sending_message WHERE status = 'sent') AS drawn
            WHERE r >= %s AND r < %s""",  # noqa: S608
            [machine, low, high],
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with own_database(BENCH_DATABASE) as (engine, _var_dir):
        return run(engine, args)


def median_ms(function: object, runs: int) -> tuple[object, float]:
    """``function()``'s result, and the median of its times over ``runs`` runs, in ms."""
    result, timings = None, []
    for _run in range(runs):
        started = time.perf_counter()
        result = function()
        timings.append((time.perf_counter() - started) * 1000)
    return result, statistics.median(timings)


def run(engine: str, args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from pregon.campaigns import resend, scheduling
    from pregon.campaigns.models import Campaign, CampaignStatus, ResendKind
    from pregon.content.models import EmailTemplate, Format
    from pregon.sending import unreached
    from pregon.sending.models import Mailing, MailingStatus, SenderIdentity

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        sender = SenderIdentity.objects.create(from_name="Escuela", from_email="a@escuela.pe")
        template = EmailTemplate(name="Aviso", format=Format.HTML)
        template.set_source(HTML)
        template.save()
        mailing = Mailing.objects.create(
            subject="Hola",
            html="",
            text="",
            sender=sender,
            list_id="l",
            feedback_id="f",
            status=MailingStatus.DONE,
        )
        parent = Campaign.objects.create(
            name="Curso",
            subject="Hola",
            sender=sender,
            template=template,
            mailing=mailing,
            status=CampaignStatus.SENT_WITH_ERRORS,
            started_at=timezone.now(),
            finished_at=timezone.now(),
        )
        with connection.cursor() as cursor:
            fill(cursor, engine, mailing.pk, args.contacts)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if engine == "postgresql" else "ANALYZE")
    print(f"# {engine}: filled in {time.perf_counter() - started:.1f} s")

    figures = []
    non_openers = Campaign(resend_of=parent, resend_kind=ResendKind.NON_OPENERS)
    count, ms = median_ms(lambda: non_openers.audience().count(), args.runs)
    print(f"# did not open (people only): {count:,} contacts")
    figures.append(f"BENCH resend_non_openers_count_{engine} {ms:.0f} ms")
    summary, ms = median_ms(lambda: resend.summary(parent), args.runs)
    print(f"# not reached: {summary.total:,}; left to reach: {resend.left_to_reach(parent):,}")
    figures.append(f"BENCH resend_unreached_summary_{engine} {ms:.0f} ms")

    for kind in (ResendKind.NON_OPENERS, ResendKind.UNREACHED):
        created = resend.create(parent, kind, None, days=0)
        begun = time.perf_counter()
        queued = scheduling.start(Campaign.objects.get(pk=created.pk))
        ms = (time.perf_counter() - begun) * 1000
        print(f"# {kind} resend started with {queued:,} messages")
        figures.append(f"BENCH resend_start_{kind}_{engine} {ms:.0f} ms")
    print(f"# unreached messages of the parent: {sum(unreached.counts(mailing.pk).values()):,}")
    print("# load average (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))
    print("\n".join(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
