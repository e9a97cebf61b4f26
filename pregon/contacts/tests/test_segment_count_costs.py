"""Segment counts on PostgreSQL are planned with their own settings (``segments.costs``:
pages read by key priced as in memory, a cache no larger than PostgreSQL's buffers, merge
joins rather than hashes, one process, no prefetch advice, memory for a sort), for that
count only: the caller's transaction keeps the server's settings, and a server already
set more favourably keeps its own."""

from unittest import skipUnless

from django.db import connection
from django.test import TransactionTestCase

from pregon.contacts.models import Contact, Status
from pregon.contacts.segments import count_contacts
from pregon.testing import BaseTestCase

SUBSCRIBED = {
    "match": "all",
    "rules": [{"field": "status", "operator": "is", "value": ["subscribed"]}],
}


def page_cost() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        return cursor.fetchone()[0]


def set_page_cost(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('random_page_cost', %s, true)", [value])


@skipUnless(connection.vendor == "postgresql", "a PostgreSQL planner setting")
class CountCostsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        Contact.objects.create(email="ana@example.pe")
        Contact.objects.create(email="luis@example.pe", status=Status.UNSUBSCRIBED)

    def count_seeing_page_cost(self) -> tuple[int, list[str]]:
        """The count, and the price of a page read by key when its SELECT ran."""
        seen: list[str] = []

        def watch(execute, sql, params, many, context):
            if sql.lstrip().upper().startswith("SELECT COUNT"):
                seen.append(page_cost())  # A SHOW: passes through this wrapper untouched.
            return execute(sql, params, many, context)

        with connection.execute_wrapper(watch):
            count = count_contacts(SUBSCRIBED)
        return count, seen

    def test_a_count_prices_pages_as_in_memory_and_puts_the_price_back(self) -> None:
        set_page_cost("4")
        self.assertEqual(self.count_seeing_page_cost(), (1, ["1.1"]))
        self.assertEqual(page_cost(), "4")

    def test_a_server_priced_lower_keeps_its_price(self) -> None:
        set_page_cost("1")
        self.assertEqual(self.count_seeing_page_cost(), (1, ["1"]))
        self.assertEqual(page_cost(), "1")

    def count_seeing(self, names: list[str]) -> tuple[int, list[tuple]]:
        """The count, and the settings ``names`` when its SELECT ran."""
        seen: list[tuple] = []

        def watch(execute, sql, params, many, context):
            if sql.lstrip().upper().startswith("SELECT COUNT"):
                seen.append(settings(names))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(watch):
            count = count_contacts(SUBSCRIBED)
        return count, seen

    def test_a_count_plans_for_one_process_merging_sorted_ids_and_puts_it_all_back(
        self,
    ) -> None:
        names = [
            "enable_hashjoin",
            "max_parallel_workers_per_gather",
            "effective_io_concurrency",
            "work_mem",
            "effective_cache_size",
        ]
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', '4MB', true)")
            cursor.execute("SELECT set_config('effective_cache_size', '4GB', true)")
            cursor.execute("SELECT set_config('max_parallel_workers_per_gather', '2', true)")
            cursor.execute("SELECT set_config('effective_io_concurrency', '1', true)")
        before = settings(names)
        buffers = settings(["shared_buffers"])[0]
        self.assertEqual(self.count_seeing(names), (1, [("off", "0", "0", "64MB", buffers)]))
        self.assertEqual(settings(names), before)

    def test_a_server_with_more_memory_for_sorts_keeps_it(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', '256MB', true)")
        self.assertEqual(self.count_seeing(["work_mem"]), (1, [("256MB",)]))


def settings(names: list[str]) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"current_setting('{name}')" for name in names))
        return cursor.fetchone()


@skipUnless(connection.vendor == "postgresql", "PostgreSQL planner settings")
class CountOutsideATransactionTestCase(TransactionTestCase):
    """A count of its own (a web request's, out of any transaction) sets its settings in
    the transaction it runs in: the session has the server's again once it ends."""

    def test_the_session_keeps_the_server_s_settings(self) -> None:
        Contact.objects.create(email="ana@example.pe")
        names = ["random_page_cost", "enable_hashjoin", "work_mem"]
        with connection.cursor() as cursor:
            cursor.execute("SET random_page_cost = 3")
            cursor.execute("SET work_mem = '8MB'")
        self.assertEqual(count_contacts(SUBSCRIBED), 1)
        self.assertEqual(settings(names), ("3", "on", "8MB"))
