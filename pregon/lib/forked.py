"""A generator run in a forked child process, so that pure-Python work (an import's checking
of rows) uses a second core while this process does its own (the database's side).

The child only computes: it inherits the parent's open database connections and must never
use them, and it ends with ``os._exit``, so no cleanup of the parent's objects runs twice.
Items travel pickled through a pipe, one at a time: the child runs at most one item ahead.
"""

import os
import signal
from collections.abc import Callable, Iterator
from multiprocessing.connection import Pipe
from typing import TypeVar

T = TypeVar("T")


class ChildFailed(Exception):
    """The child process died, or raised an exception that could not be sent back."""


def forked(produce: Callable[[], Iterator[T]]) -> Iterator[T]:
    """Yield the items of ``produce()``, which runs in a forked child process.

    An exception in the child is raised here (the same exception if it pickles, else
    ``ChildFailed`` with its text). If the caller stops early, the child is killed.
    """
    receiver, sender = Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:
        receiver.close()
        _run_child(produce, sender)
    sender.close()
    finished = False
    try:
        while True:
            try:
                kind, value = receiver.recv()
            except EOFError:
                raise ChildFailed("the child process ended before its last item") from None
            if kind == "item":
                yield value
            elif kind == "end":
                finished = True
                return
            else:
                finished = True
                raise value
    finally:
        receiver.close()
        if not finished:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _run_child(produce: Callable[[], Iterator[T]], sender: object) -> None:
    status = 1
    try:
        try:
            for item in produce():
                sender.send(("item", item))
            sender.send(("end", None))
            status = 0
        except BrokenPipeError:
            pass  # The parent stopped reading.
        except Exception as error:  # Sent to the parent, which raises it.
            try:
                sender.send(("error", error))
            except Exception:
                sender.send(("error", ChildFailed(f"{error.__class__.__name__}: {error}")))
    finally:
        os._exit(status)
