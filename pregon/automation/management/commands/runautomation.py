import signal
import time

from django.core.management.base import BaseCommand

from pregon.automation import engine


class Command(BaseCommand):
    help = "Move contacts through the active workflows until stopped; run one or more."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--idle", type=float, default=1.0, help="seconds to wait when idle")
        parser.add_argument("--batch", type=int, default=engine.BATCH_SIZE)
        parser.add_argument("--once", action="store_true", help="stop when nothing is due")

    def handle(self, *args: object, idle: float, batch: int, once: bool, **options: object) -> None:
        stopping = False

        def stop(signum: int, frame: object) -> None:
            # Finish the batch in hand, so that its steps are recorded, then leave.
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            if not engine.run_due(batch):
                if once:
                    return
                time.sleep(idle)
