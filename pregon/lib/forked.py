"""A generator run in a forked child process, so that pure-Python work (an import's checking
of rows) uses a second core while this process does its own (the database's side).

The child only computes: it inherits the parent's open database connections and must never
use them, and it ends with ``os._exit``, so no cleanup of the parent's objects runs twice.
Items travel through a pipe, which a thread of the parent empties into a queue of ``AHEAD``
items: the child runs up to that many items ahead, so that it does not wait while the parent
is busy with an item (a pipe holds 64 KB, less than an import's chunk, so without the
thread the child waited in each send until the parent asked for the next item). They go by
``marshal``, which writes and reads built-in values (tuples, lists, strings, numbers)
several times faster than ``pickle`` (20,000 staged rows of an import: 8 against 40 ms to
write), and is safe here: the same interpreter writes and reads them. An item that
``marshal`` cannot write (it refuses subclasses, such as a ``TextChoices`` member) goes
by ``pickle``.
"""

import contextlib
import fcntl
import marshal
import os
import pickle
import queue
import signal
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, Pipe
from typing import TypeVar

T = TypeVar("T")


# How many received items may wait for the caller (an import's chunk: about 1.2 MB).
AHEAD = 4
# What Linux lets any process make a pipe hold (/proc/sys/fs/pipe-max-size).
PIPE_BYTES = 1024 * 1024

# The first byte of each message: an item (by marshal or by pickle), the end, or the
# exception the child raised.
ITEM, PICKLED_ITEM, END, ERROR = b"i", b"p", b"e", b"x"


class ChildFailed(Exception):
    """The child process died, or raised an exception that could not be sent back."""


def forked(produce: Callable[[], Iterator[T]]) -> Iterator[T]:
    """Yield the items of ``produce()``, which runs in a forked child process.

    An exception in the child is raised here (the same exception if it pickles, else
    ``ChildFailed`` with its text). If the caller stops early, the child is killed.
    """
    receiver, sender = Pipe(duplex=False)
    _widen(receiver)
    pid = os.fork()
    if pid == 0:
        receiver.close()
        _run_child(produce, sender)
    sender.close()
    messages: queue.Queue[bytes | None] = queue.Queue(AHEAD)
    reader = threading.Thread(target=_receive, args=(receiver, messages), daemon=True)
    reader.start()
    finished = False
    try:
        while True:
            message = messages.get()
            if message is None:
                raise ChildFailed("the child process ended before its last item")
            kind, data = message[:1], memoryview(message)[1:]
            if kind == ITEM:
                # Our own child's bytes, through a pipe only it and we hold.
                yield marshal.loads(data)  # noqa: S302
            elif kind == PICKLED_ITEM:
                yield pickle.loads(data)  # noqa: S301
            elif kind == END:
                finished = True
                return
            else:
                finished = True
                raise pickle.loads(data)  # noqa: S301
    finally:
        if not finished:
            os.kill(pid, signal.SIGKILL)
        # The reader ends at the child's last message or death; room in the queue lets it.
        while reader.is_alive():
            with contextlib.suppress(queue.Empty):
                messages.get(timeout=0.1)
        receiver.close()
        os.waitpid(pid, 0)


def _widen(pipe: Connection) -> None:
    """Make the pipe hold ``PIPE_BYTES``: the reader then wakes up a few times per item,
    not once per 64 KB (each time it must wait for this process's interpreter lock)."""
    with contextlib.suppress(OSError):  # More than the system allows: keep the default.
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _receive(receiver: Connection, messages: queue.Queue[bytes | None]) -> None:
    """Move the child's messages from the pipe to ``messages`` until its last one (END or
    ERROR), or None if it dies first."""
    while True:
        try:
            message = receiver.recv_bytes()
        except (EOFError, OSError):
            messages.put(None)
            return
        messages.put(message)
        if message[:1] in (END, ERROR):
            return


def _run_child(produce: Callable[[], Iterator[T]], sender: object) -> None:
    status = 1
    try:
        try:
            for item in produce():
                try:
                    message = ITEM + marshal.dumps(item)
                except ValueError:
                    message = PICKLED_ITEM + pickle.dumps(item)
                sender.send_bytes(message)
            sender.send_bytes(END)
            status = 0
        except BrokenPipeError:
            pass  # The parent stopped reading.
        except Exception as error:  # Sent to the parent, which raises it.
            try:
                raised = pickle.dumps(error)
            except Exception:
                raised = pickle.dumps(ChildFailed(f"{error.__class__.__name__}: {error}"))
            sender.send_bytes(ERROR + raised)
    finally:
        os._exit(status)
