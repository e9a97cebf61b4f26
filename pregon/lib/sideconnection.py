"""A second connection to the database, for writes that must commit while this thread's
connection holds a long transaction open (an import's progress and lease, seen by the web
and the reaper while the import's own transaction writes the contacts).

Only where that transaction is the outermost one: inside an outer atomic block (a test's
transaction) the second connection would not see the rows the block wrote and not yet
committed, and could wait for their locks forever; there ``side_connection`` yields the
usual alias, and the writes join the block's transaction, as they would without it.
"""

import contextlib
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend


@contextlib.contextmanager
def side_connection(alias: str = DEFAULT_DB_ALIAS) -> Iterator[str]:
    """Yield the alias of a new connection to ``alias``'s database, in autocommit, for this
    thread only; closed on leaving. Yields ``alias`` itself if its connection is in an
    atomic block."""
    if connections[alias].in_atomic_block:
        yield alias
        return
    side = f"{alias}-side"
    settings = connections.settings[alias]
    connections[side] = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, side)
    try:
        yield side
    finally:
        connections[side].close()
        del connections[side]
