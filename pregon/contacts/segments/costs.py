"""How PostgreSQL plans a segment count.

A count is one query over a million contacts whose pieces come as index-only scans (the
status, lists and tags in id order; the last open with the status, sorted by id:
docs/design.md) and at most one pass over the contacts' rows (a custom field, a date).
PostgreSQL's defaults price that for another machine, and the count runs with these
instead, for its transaction only:

- ``random_page_cost`` 1.1, not 4: the default prices a page read by key as if it came
  from a spinning disk, so the planner scans all the contacts to check a few thousand of
  them by key ("completed the most followed course": 240-310 ms against 50-70 ms at 1.1,
  bench/moodle_segments.py), and scans the contacts' table rather than their (status, id)
  index. 1.1 is the value PostgreSQL's documentation suggests for solid-state drives.
- ``effective_cache_size`` no more than ``shared_buffers``: contacts are larger than
  PostgreSQL's own buffers, so an index scan in the order of a value ("age at least 60")
  fetches the same pages again and again from the operating system (112,000 page reads
  for 160,000 contacts, against 26,000 for a bitmap scan in the table's order).
- ``enable_hashjoin`` off: the lists, tags and status come sorted by contact from their
  indexes, and merging them cost a half to two thirds of hashing 140,000-400,000 ids in
  one process (bench/segment_count.py, docs/benchmarks.md); PostgreSQL still hashes where
  nothing else can join.
- ``max_parallel_workers_per_gather`` 0: parallel plans of these counts spent 1.5 to 6
  times the processor time of the one-process plan (the Moodle rules' too), more than a
  second core gives back on the two-core machines they are measured on.
- ``effective_io_concurrency`` 0: a bitmap scan of contacts otherwise asks the kernel to
  prefetch each page (``posix_fadvise``), a system call per page for pages the operating
  system holds already: about a tenth of a count that reads a custom field.
- ``work_mem`` at least 64 MB: sorting a custom field's 200,000 ids spills to disk at the
  default 4 MB. One count, one sort or two: the memory of a single query.

A server set more favourably (a lower page price, a larger ``work_mem``) keeps its value.
"""

from collections.abc import Callable
from typing import TypeVar

from django.db import connection, transaction

IN_MEMORY_PAGE_COST = 1.1
COUNT_WORK_MEM_KB = 64 * 1024

Result = TypeVar("Result")

NAMES = (
    "random_page_cost",
    "effective_cache_size",
    "enable_hashjoin",
    "max_parallel_workers_per_gather",
    "effective_io_concurrency",
    "work_mem",
)
# The server's value of each of NAMES, then the value for a count, in that order.
SETTINGS = (
    "SELECT "
    + ", ".join(f"current_setting('{name}')" for name in NAMES)
    + """,
    LEAST(current_setting('random_page_cost')::float8, %(page_cost)s)::text,
    LEAST(pg_size_bytes(current_setting('effective_cache_size')),
          pg_size_bytes(current_setting('shared_buffers'))) / 1024 || 'kB',
    'off',
    '0',
    '0',
    GREATEST(pg_size_bytes(current_setting('work_mem')) / 1024, %(work_mem)s) || 'kB'
"""
)


def priced_for_memory(count: Callable[[], Result]) -> Result:
    """``count()`` (or its plan: ``bench/segment_count.py --explain``) run with the
    settings above, on PostgreSQL.

    They hold for this count only: set for the transaction (``set_config(…, true)``),
    which ends with the count, or inside a caller's own transaction put back afterwards,
    so that it goes on with the server's values (an error rolls the savepoint back, and
    the settings with it). Two statements around the count, or three: each a round trip
    of a count that staff wait for."""
    if connection.vendor != "postgresql":
        return count()
    inside_a_transaction = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(SETTINGS, {"page_cost": IN_MEMORY_PAGE_COST, "work_mem": COUNT_WORK_MEM_KB})
        settings = cursor.fetchone()
        before, wanted = settings[: len(NAMES)], settings[len(NAMES) :]
        _set(cursor, wanted)
        counted = count()
        if inside_a_transaction:
            _set(cursor, before)
        return counted


def _set(cursor: object, values: tuple[str, ...]) -> None:
    cursor.execute(
        "SELECT " + ", ".join(f"set_config('{name}', %s, true)" for name in NAMES),
        list(values),
    )
