"""Running a generator in a thread of its own, a few items ahead of the code that reads it.

An import on PostgreSQL reads and checks its file in Python while the server stores the
previous batch; the connection waits for the server without Python's global lock, so the
two overlap on two cores. It only pays where the other thread lets go of the lock for long
stretches. The generator must not use the database: a connection belongs to the thread
that opened it.
"""

import queue
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

# How long the producer waits for room before looking whether the reader has gone.
POLL_SECONDS = 0.1


class _End:
    """The last item a producer hands over: the error that stopped it, if any."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


def read_ahead(produce: Callable[[], Iterator[T]], depth: int = 2) -> Iterator[T]:
    """Yield the items of ``produce()``, which runs in a thread, at most ``depth`` ahead.

    An exception in the producer is raised here, at the item where it happened. If the
    reader stops early (an exception of its own, or closing this generator), the producer
    is told to stop, its generator is closed in its own thread, and the thread is joined
    before this returns.
    """
    handed: queue.Queue = queue.Queue(depth)
    stopping = threading.Event()

    def hand(item: object) -> bool:
        while not stopping.is_set():
            try:
                handed.put(item, timeout=POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        items = produce()
        try:
            for item in items:
                if not hand(item):
                    return
        except BaseException as error:  # Handed to the reader, which raises it.
            hand(_End(error))
            return
        finally:
            items.close()
        hand(_End())

    thread = threading.Thread(target=run, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = handed.get()
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        stopping.set()
        thread.join()
