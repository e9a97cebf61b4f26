import signal
import time

from django.core.management.base import BaseCommand

from pregon.sending import engine, heartbeats, leases


class Command(BaseCommand):
    help = "Send queued messages until stopped; run as many as the relays and cores allow."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--idle", type=float, default=1.0, help="seconds to wait when idle")
        parser.add_argument("--batch", type=int, default=engine.BATCH_SIZE)

    def handle(self, *args: object, idle: float, batch: int, **options: object) -> None:
        stopping = False

        def stop(signum: int, frame: object) -> None:
            # Finish the batch in hand, so that its outcomes are recorded, then leave.
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # The worker follows the backends set up in the UI before each batch it claims, so
        # they take effect without a restart.
        worker = engine.Worker()
        # A sender killed on this machine (systemd starts this one in its place) left its
        # batch leased: it goes again now, not after the lease.
        leases.reclaim_ended_holders()
        try:
            while not stopping:
                heartbeats.beat("sender")
                if not engine.send_batch(worker, batch):
                    time.sleep(idle)
        finally:
            worker.close()
