"""For tests that start Pregón's web server in a process of its own (``pregon run``)."""

import time
import urllib.request


def wait_for(url: str, seconds: float) -> int:
    """The HTTP status of ``url`` once the server answers; raises OSError if it has not
    answered within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                return response.status
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
