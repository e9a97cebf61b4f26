import signal
import time

from django.core.management.base import BaseCommand

from pregon.sending import engine
from pregon.sending.transports import configuration, open_transport

# How often a sender looks for changed delivery backends.
RECHECK_SECONDS = 10


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
        worker = engine.Worker(open_transport())
        settings, checked = configuration(), time.monotonic()
        try:
            while not stopping:
                if not engine.send_batch(worker, batch):
                    time.sleep(idle)
                # Backends changed in the UI take effect without a restart.
                if time.monotonic() - checked > RECHECK_SECONDS:
                    checked = time.monotonic()
                    if (latest := configuration()) != settings:
                        worker.transport.close()
                        worker = engine.Worker(open_transport())
                        settings = latest
        finally:
            worker.transport.close()
