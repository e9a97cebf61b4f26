import os
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.test import SimpleTestCase

from pregon.lib.forked import ChildFailed, forked


class Word(str):
    """A str subclass, as Django's TextChoices members are."""


class Unpicklable(Exception):
    def __reduce__(self) -> object:
        raise TypeError("not this one")


class ForkedTestCase(SimpleTestCase):
    def test_the_items_come_in_order_from_another_process(self) -> None:
        def produce() -> Iterator[tuple[int, int]]:
            for n in range(5):
                yield n, os.getpid()

        items = list(forked(produce))
        self.assertEqual([n for n, _pid in items], [0, 1, 2, 3, 4])
        self.assertNotIn(os.getpid(), {pid for _n, pid in items})

    def test_items_that_marshal_refuses_come_all_the_same(self) -> None:
        def produce() -> Iterator[object]:
            yield ("plain", 1)
            yield (Word("subscribed"), 2)

        items = list(forked(produce))
        self.assertEqual(items, [("plain", 1), ("subscribed", 2)])
        self.assertIs(type(items[1][0]), Word)

    def test_an_exception_in_the_child_is_raised_in_the_parent_after_the_items_before_it(
        self,
    ) -> None:
        def produce() -> Iterator[int]:
            yield 1
            raise ValueError("row 2 is unreadable")

        received = []
        with self.assertRaisesMessage(ValueError, "row 2 is unreadable"):
            for item in forked(produce):
                received.append(item)
        self.assertEqual(received, [1])

    def test_an_exception_that_does_not_pickle_arrives_as_its_text(self) -> None:
        def produce() -> Iterator[int]:
            raise Unpicklable("a lock inside")
            yield 1

        with self.assertRaisesMessage(ChildFailed, "Unpicklable: a lock inside"):
            list(forked(produce))

    def test_a_child_that_dies_is_an_error_not_the_end(self) -> None:
        def produce() -> Iterator[int]:
            yield 1
            os.kill(os.getpid(), signal.SIGKILL)
            yield 2

        with self.assertRaises(ChildFailed):
            list(forked(produce))

    def test_stopping_early_ends_the_child(self) -> None:
        def produce() -> Iterator[int]:
            n = 0
            while True:
                yield os.getpid() if n == 0 else n
                n += 1

        items = forked(produce)
        child = next(items)
        items.close()
        with self.assertRaises(ProcessLookupError):
            os.kill(child, 0)  # Killed and reaped.

    def test_the_child_runs_ahead_while_the_parent_is_busy(self) -> None:
        """Items larger than a pipe holds: the child sends the four after the first while
        the parent has not asked for the next one."""
        sent = Path(self.enterContext(tempfile.TemporaryDirectory())) / "sent"
        sent.write_text("0")

        def produce() -> Iterator[str]:
            for n in range(5):
                yield str(n) * 2_000_000
                sent.write_text(str(n + 1))

        items = forked(produce)
        self.assertEqual(next(items)[:1], "0")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sent.read_text() != "5":
            time.sleep(0.05)
        self.assertEqual(sent.read_text(), "5")
        self.assertEqual([item[:1] for item in items], ["1", "2", "3", "4"])
