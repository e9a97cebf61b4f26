"""Processes by name, across machines: ``host:pid``, and whether one has ended.

A row that a process holds (a relay's connection slot) names its holder this way, so that
another process on the same machine can tell at once that the holder was killed, instead of
waiting for the row's lease to run out.
"""

import os
import socket


def this_process() -> str:
    """This process's name: the machine's host name and the process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def has_ended(name: str) -> bool:
    """True if ``name`` is a process of this machine that is no longer running. A process of
    another machine, or a name that is not one, is not known to have ended."""
    host, _, pid = name.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        # Running, as another user.
        return False
    return False
