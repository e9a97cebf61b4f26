"""read_ahead: a generator run in its own thread, its items, its error and its end."""

import threading
from collections.abc import Iterator

import pytest

from pregon.lib.readahead import read_ahead


def test_it_yields_every_item_in_order_from_another_thread() -> None:
    threads = set()

    def produce() -> Iterator[int]:
        for n in range(100):
            threads.add(threading.get_ident())
            yield n

    assert list(read_ahead(produce)) == list(range(100))
    assert threads and threading.get_ident() not in threads


def test_the_producers_error_is_raised_after_the_items_before_it() -> None:
    def produce() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("row 3 is broken")

    items = []
    with pytest.raises(ValueError, match="row 3 is broken"):
        for item in read_ahead(produce):
            items.append(item)
    assert items == [1, 2]


def test_a_reader_that_stops_early_closes_the_producer_in_its_thread() -> None:
    closed_in = []
    produced = []

    def produce() -> Iterator[int]:
        try:
            for n in range(1_000_000):
                produced.append(n)
                yield n
        finally:
            closed_in.append(threading.get_ident())

    before = threading.active_count()
    with pytest.raises(RuntimeError, match="lease lost"):
        for item in read_ahead(produce, depth=2):
            if item == 5:
                raise RuntimeError("lease lost")
    # The thread is gone, it ran its cleanup itself, and it did not read to the end.
    assert threading.active_count() == before
    assert closed_in and closed_in[0] != threading.get_ident()
    assert len(produced) < 20
