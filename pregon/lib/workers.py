"""The loop of a worker command (``runautomation``, ``runsmssender``): do the work until
SIGTERM or SIGINT, sleeping while there is none."""

import signal
import time
from collections.abc import Callable


def loop(
    work: Callable[[], object],
    idle: float,
    once: bool = False,
    beat: Callable[[], None] | None = None,
) -> None:
    """Call ``work`` until stopped; when it reports nothing done (a falsy result), sleep
    ``idle`` seconds, or return if ``once``. A signal lets the work in hand finish, so
    that its outcome is recorded, then returns. ``beat``, called before each turn, tells
    /readyz and /metrics the process is alive (pregon.sending.heartbeats)."""
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        if beat is not None:
            beat()
        if not work():
            if once:
                return
            time.sleep(idle)
