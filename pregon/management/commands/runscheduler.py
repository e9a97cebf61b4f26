import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from pregon.lib import leader
from pregon.scheduler import tick
from pregon.sending import heartbeats

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the periodic tick (reap stale work, start scheduled work) until stopped. "
        "Several may run, on several machines: one leads and ticks, the others wait to take over."
    )

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
        leadership = leader.for_database()
        name = heartbeats.process_name("scheduler")
        # None at first, so that the first state is logged too.
        leading: bool | None = None
        try:
            while not stopping:
                if (holds := leadership.hold()) != leading:
                    leading = holds
                    log.info("%s %s", name, "leads" if leading else "waits: it does not lead")
                if leading:
                    self.tick(name, leadership, options["verbosity"])
                if once:
                    return
                time.sleep(interval)
        finally:
            leadership.release()

    def tick(self, name: str, leadership: leader.Leadership, verbosity: int) -> None:
        started = time.time()

        def leading() -> bool:
            # Asked before each job. Only the leader beats ("scheduler" in /readyz means
            # ticks happen): not one that lost the lock halfway through a tick. And it beats
            # between the jobs, so that a tick longer than heartbeats.STALE (a backlog of
            # opens to flush) does not make it look gone.
            if not leadership.hold():
                return False
            heartbeats.beat("scheduler")
            return True

        try:
            tick(leading)
        except DatabaseError as error:
            # The database is restarting or unreachable: the next tick tries again.
            log.warning("tick failed: %s", error)
        if verbosity >= 2:
            # One line per tick, with wall-clock times, for the scale-out harness's audit
            # that no two schedulers ever ticked at the same time.
            self.stdout.write(f"ticked {name} {started:.3f} {time.time():.3f}")
