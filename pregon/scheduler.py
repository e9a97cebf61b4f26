"""The periodic tick that `pregon runscheduler` runs every few seconds.

Work that must happen without a user (recovering work whose worker died, and later,
starting scheduled campaigns) is called from here. This module sits at the top of the
project, beside urls.py, so it may call every app.
"""

import logging

from pregon.contacts import imports

log = logging.getLogger(__name__)


def tick() -> None:
    """Run each periodic job once; one job failing does not stop the others."""
    for job in (imports.reap_stale_imports,):
        try:
            job()
        except Exception:
            log.exception("periodic job %s failed", job.__name__)
