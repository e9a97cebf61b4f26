"""How PostgreSQL prices a segment count.

PostgreSQL's default ``random_page_cost`` (4) prices a page read by key as if it came from a
spinning disk, four times a page read in sequence. A segment count reads indexes that stay
in memory, so at that price the planner scans all the contacts to check a few thousand of
them by key ("completed the most followed course": 9,600 enrolments, 240-310 ms against
50-70 ms at 1.1 on 1,000,000 contacts, bench/moodle_segments.py), and scans the contacts'
table rather than their (status, id) index. Counts run with 1.1, the value PostgreSQL's
documentation suggests for solid-state drives, unless the server is set lower.
"""

from collections.abc import Callable
from typing import TypeVar

from django.db import connection, transaction

IN_MEMORY_PAGE_COST = 1.1

Result = TypeVar("Result")


def priced_for_memory(count: Callable[[], Result]) -> Result:
    """``count()`` (or its plan: ``bench/moodle_segments.py --explain``) run with pages
    read by key priced as in memory, on PostgreSQL.

    The setting holds for this count only: it is set for the transaction and put back
    afterwards, so a caller's own transaction goes on with the server's value (an error
    rolls the savepoint back, and the setting with it)."""
    if connection.vendor != "postgresql":
        return count()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('random_page_cost')")
        (before,) = cursor.fetchone()
        if float(before) <= IN_MEMORY_PAGE_COST:
            return count()
        price = "SELECT set_config('random_page_cost', %s, true)"
        cursor.execute(price, [str(IN_MEMORY_PAGE_COST)])
        counted = count()
        cursor.execute(price, [before])
        return counted
