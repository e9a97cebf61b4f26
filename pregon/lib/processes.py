"""Processes by name, across machines: ``host:pid``, and whether one has ended.

A row that a process holds (a relay's connection slot, a batch of messages) names its holder
this way, so that another process on the same machine can tell at once that the holder was
killed, instead of waiting for the row's lease to run out.

The "host" is the host name and, on Linux, the process-id namespace: two containers that
share the machine's host name (Docker's host network) each have their own pids, and one
must not take the other's living process for ended because it cannot see it.
"""

import functools
import os
import socket


@functools.cache
def _machine() -> str:
    try:
        namespace = os.readlink("/proc/self/ns/pid")  # "pid:[4026531836]"
    except OSError:
        return socket.gethostname()
    return f"{socket.gethostname()}/{namespace.removeprefix('pid:[').removesuffix(']')}"


def this_process() -> str:
    """This process's name: its machine (see the module's docstring) and its id."""
    return f"{_machine()}:{os.getpid()}"


def has_ended(name: str) -> bool:
    """True if ``name`` is a process of this machine that is no longer running. A process of
    another machine, or a name that is not one, is not known to have ended."""
    host, _, pid = name.rpartition(":")
    if host != _machine() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        # Running, as another user.
        return False
    return False
