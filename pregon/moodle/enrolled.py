"""What the listeners of ``moodle.enrolled`` (campaigns' and pop-ups' conversions) share:
the connection's click window, and the payloads in chunks, so that each chunk costs a
handful of queries inside the sync's transaction."""

import datetime
from collections.abc import Callable

from pregon.moodle.models import Connection

CHUNK = 2000

ChunkHandler = Callable[[list[dict], datetime.timedelta], None]


def in_chunks(payloads: list[dict], handle: ChunkHandler) -> None:
    """Call ``handle(chunk, window)`` for each ``CHUNK`` of ``payloads``, ``window`` being
    the connection's days from a click to an enrolment; nothing without a connection."""
    connection = Connection.current()
    if connection is None:
        return
    window = datetime.timedelta(days=connection.conversion_days)
    for start in range(0, len(payloads), CHUNK):
        handle(payloads[start : start + CHUNK], window)
