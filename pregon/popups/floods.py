"""Floods of requests from one address, bounded at the door.

Each web process counts the requests it answered for each visitor's address in the current
second and minute; past ``PER_SECOND`` or ``PER_MINUTE`` it answers 429 and records nothing.
The counts are per process (no shared store to ask on every request), so with W web processes
an address gets at most W times these numbers through; the flusher's mark (pregon.popups.spool
``FLOOD_MARK``, per address and minute over all processes) flags what passes beyond it.

The numbers leave room for a school: a computer room of forty people behind one address,
each page they open sending one or two beacons, stays well below them.
"""

import time

# Beacons and clicks: per address, in one web process.
PER_SECOND = 20
PER_MINUTE = 600
# Form submissions write contacts: fewer.
FORM_PER_MINUTE = 20


class Counter:
    """Requests per address in the current second and minute, in this process."""

    def __init__(self, per_second: int, per_minute: int) -> None:
        self.per_second = per_second
        self.per_minute = per_minute
        self.second, self.minute = -1, -1
        self.this_second: dict[str, int] = {}
        self.this_minute: dict[str, int] = {}

    def allow(self, address: str | None) -> bool:
        """Count one request from ``address``; False if it is past either limit."""
        now = int(time.time())
        if now != self.second:
            self.second, self.this_second = now, {}
        if now // 60 != self.minute:
            self.minute, self.this_minute = now // 60, {}
        key = address or ""
        second = self.this_second[key] = self.this_second.get(key, 0) + 1
        minute = self.this_minute[key] = self.this_minute.get(key, 0) + 1
        return second <= self.per_second and minute <= self.per_minute


events = Counter(PER_SECOND, PER_MINUTE)
forms = Counter(PER_SECOND, FORM_PER_MINUTE)
