from django.core.management.base import BaseCommand

from pregon.automation import engine
from pregon.lib import workers
from pregon.sending import heartbeats


class Command(BaseCommand):
    help = "Move contacts through the active workflows until stopped; run one or more."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--idle", type=float, default=1.0, help="seconds to wait when idle")
        parser.add_argument("--batch", type=int, default=engine.BATCH_SIZE)
        parser.add_argument("--once", action="store_true", help="stop when nothing is due")

    def handle(self, *args: object, idle: float, batch: int, once: bool, **options: object) -> None:
        workers.loop(
            lambda: engine.run_due(batch), idle, once, beat=lambda: heartbeats.beat("automation")
        )
