"""Benchmark: the live campaign report's refresh on a 1,000,000-message campaign (target:
each refresh < 50 ms).

    .venv/bin/python bench/report_live.py [--messages 1000000] [--requests 50]

Builds its own database (bench/benchdb.py: pregon_bench_report_live on PREGON_DATABASE_URL's
PostgreSQL server, or a new SQLite file) with set-based inserts: ``--messages`` contacts, a
sending campaign with three links and a message for each (95 % sent, 5 % still queued), 2 %
of them bounced, and over the last two days opens by 30 % of them (a tenth of those twice),
privacy-proxy opens by 10 %, clicks by 6 % (each on one of the links) and unsubscribes by
0.5 %. Then it times, with an analyst logged in through Django's test client:

- the figures computed afresh (what each poll cost before issue 19, and what a task worker
  now does once per poll interval while someone watches): ``BENCH report_live_compute_ms``;
- ``--requests`` polls of the live part (``reports:campaign_live``, as the page's htmx asks
  for it) once the snapshot went stale, as while someone watches a sending campaign: the
  first queues a refresh (which no worker takes here), the others find it waiting: ``BENCH
  report_live_refresh_median_ms`` and ``..._p95_ms``; and as many while the snapshot is
  fresh (``report_live_refresh_fresh_...``).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database

BENCH_DATABASE = "pregon_bench_report_live"
LINKS = ["https://aula.example.pe/cursos", "https://aula.example.pe/becas", "https://x.pe"]


def fill(cursor: object, engine: str, mailing: int, contacts: int) -> None:
    postgres = engine == "postgresql"
    now = "now()" if postgres else "datetime('now')"
    series = (
        "generate_series(1, %s) AS numbers(i)"
        if postgres
        else "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s)"
        " SELECT i FROM n) AS numbers"
    )

    # Only the constants above are put into the SQL text; values go as parameters.
    def minutes_ago(expression: str) -> str:
        if postgres:
            return f"now() - make_interval(mins => ({expression})::int)"
        return f"datetime('now', '-' || ({expression}) || ' minutes')"

    cursor.execute(
        f"""INSERT INTO contacts_contact (code, email, first_name, last_name, phone, status,
            attributes, consent_source, consent_at, consent_text, created_at, updated_at)
        SELECT {"gen_random_uuid()" if postgres else "lower(hex(randomblob(16)))"},
            'persona' || i || '@example.pe', 'Nombre', 'Apellido', '', 'subscribed', '{{}}',
            'import', {now}, '', {now}, {now}
        FROM {series}""",  # noqa: S608
        [contacts],
    )
    # Each message's id decides what became of it (id % 1000: a stand-in for a draw).
    cursor.execute(
        f"""INSERT INTO sending_message (mailing_id, contact_id, email, status, attempts,
            send_after, sent_at, reply, provider_message_id)
        SELECT %s, id, email, CASE WHEN id %% 20 = 0 THEN 'queued' ELSE 'sent' END, 1,
            {now}, {now}, '', ''
        FROM contacts_contact""",  # noqa: S608
        [mailing],
    )
    cursor.execute(
        f"""INSERT INTO sending_bounce (kind, source, email, message_id, cause, reason, at)
        SELECT CASE WHEN id %% 3 = 0 THEN 'soft' ELSE 'hard' END, 'mailbox', email, id,
            'undefined', '5.1.1 User unknown', {now}
        FROM sending_message WHERE id %% 50 = 1""",  # noqa: S608
        [],
    )
    for kind, low, high, machine, client in (
        ("opened", 0, 300, "", "Gmail"),
        ("opened", 0, 30, "", "Outlook"),
        ("opened", 300, 400, "apple_mpp", "Apple Mail"),
        ("clicked", 0, 60, "", "Gmail"),
        ("unsubscribed", 60, 65, "", ""),
    ):
        cursor.execute(
            f"""INSERT INTO tracking_event (kind, message_id, at, link, user_agent, client,
                device, machine, ip_hash, detail, method)
            SELECT %s, id, {minutes_ago("id %% 2880")},
                CASE WHEN %s = 'clicked' THEN id %% 3 END, '', %s,
                CASE WHEN id %% 2 = 0 THEN 'mobile' ELSE 'desktop' END, %s, '', '', ''
            FROM sending_message WHERE id %% 1000 >= %s AND id %% 1000 < %s""",  # noqa: S608
            [kind, kind, client, machine, low, high],
        )


def poll(client: object, url: str) -> float:
    """One poll of the live part, as the report page's htmx asks for it; milliseconds."""
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    with own_database(BENCH_DATABASE) as (engine, _var_dir):
        return run(engine, args)


def run(engine: str, args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from pregon.accounts.models import Role, User
    from pregon.campaigns.models import Campaign, CampaignStatus
    from pregon.reports import live
    from pregon.reports.models import LiveFigures
    from pregon.sending.models import Mailing, SenderIdentity

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        sender = SenderIdentity.objects.create(from_name="Escuela", from_email="a@escuela.pe")
        mailing = Mailing.objects.create(
            subject="Hola", html="", text="", sender=sender, list_id="l", feedback_id="f"
        )
        mailing.links = LINKS
        mailing.save()
        campaign = Campaign.objects.create(
            name="Cursos", subject="Hola", mailing=mailing, status=CampaignStatus.SENDING
        )
        with connection.cursor() as cursor:
            fill(cursor, engine, mailing.pk, args.messages)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if engine == "postgresql" else "ANALYZE")
    print(f"# {engine}: {args.messages:,} messages filled in {time.perf_counter() - started:.1f} s")
    print("# load average (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))

    started = time.perf_counter()
    figures = live.figures(live.refresh(mailing))
    compute_ms = (time.perf_counter() - started) * 1000
    print(
        f"# {figures.sent:,} sent, {figures.delivered:,} delivered, "
        f"{figures.human.opened_unique:,} opened, {figures.human.clicked_unique:,} clicked"
    )

    analyst = User.objects.create_user("analista@example.pe", role=Role.ANALYST)
    client = Client(headers={"hx-request": "true"})
    client.force_login(analyst)
    url = reverse("reports:campaign_live", args=[campaign.code]) + "?mailing=1"
    assert client.get(url).status_code == 200
    print("# load average (1, 5, 15 min): " + ", ".join(f"{n:.1f}" for n in os.getloadavg()))
    # Fresh for the whole run (the computation above took longer than a poll interval).
    LiveFigures.objects.update(computed_at=timezone.now() + live.QUEUED_FOR_TOO_LONG)
    fresh = [poll(client, url) for _request in range(args.requests)]
    # While a page watches the campaign, the snapshot goes stale every poll interval: the
    # first poll that sees it queues a refresh, the next ones find it waiting until the
    # worker (absent here) writes it.
    LiveFigures.objects.update(computed_at=timezone.now() - live.QUEUED_FOR_TOO_LONG)
    stale = [poll(client, url) for _request in range(args.requests)]
    with CaptureQueriesContext(connection) as queries:
        poll(client, url)
    spent = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    print(f"# one poll: {len(queries)} queries, {spent:.1f} ms in the database")
    for name, timings in (("refresh", stale), ("refresh_fresh", fresh)):
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
        print(f"BENCH report_live_{name}_median_ms_{engine} {statistics.median(timings):.1f} ms")
        print(f"BENCH report_live_{name}_p95_ms_{engine} {p95:.1f} ms")
    print(f"BENCH report_live_compute_ms_{engine} {compute_ms:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
