import signal
import time

from django.core.management.base import BaseCommand

from pregon.scheduler import tick
from pregon.sending import heartbeats


class Command(BaseCommand):
    help = "Run the periodic tick (reap stale work, start scheduled work) until stopped."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between ticks")
        parser.add_argument("--once", action="store_true", help="tick once and exit")

    def handle(self, *args: object, interval: float, once: bool, **options: object) -> None:
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            tick()
            heartbeats.beat("scheduler")
            if once:
                return
            time.sleep(interval)
