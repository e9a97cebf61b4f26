"""The database's plan of a segment count, for tests that check which index answers it."""

from django.db import connection

from pregon.contacts.segments import filter_contacts


def count_plan(rule_set: dict) -> str:
    """The plan of counting ``rule_set``: on PostgreSQL with table scans ruled out, as on a
    table too small for the planner to prefer an index otherwise; on SQLite its query
    plan."""
    sql, params = filter_contacts(rule_set).order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(f"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM ({sql})", params)  # noqa: S608
            return "\n".join(row[-1] for row in cursor.fetchall())
        cursor.execute("ANALYZE contacts_contact")
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        cursor.execute("SELECT set_config('enable_bitmapscan', 'off', true)")
        cursor.execute(f"EXPLAIN SELECT COUNT(*) FROM ({sql}) AS counted", params)  # noqa: S608
        return "\n".join(row[0] for row in cursor.fetchall())
