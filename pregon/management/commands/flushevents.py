"""Project-level, beside runscheduler: it writes the spools of several apps (tracking's opens
and clicks, pop-ups' events), as the scheduler's tick does."""

import signal
import time

from django.core.management.base import BaseCommand

from pregon.popups import spool as popup_spool
from pregon.tracking import spool


class Command(BaseCommand):
    help = (
        "Write the opens, clicks and pop-up events this machine's web processes spooled to "
        "the database, every few seconds until stopped. Only for a web machine that does not "
        "share its spool folder with the scheduler, which does this too."
    )

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between flushes")

    def handle(self, *args: object, interval: float, **options: object) -> None:
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        while not stopping:
            spool.flush()
            popup_spool.flush()
            time.sleep(interval)
