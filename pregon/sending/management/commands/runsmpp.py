from django.core.management.base import BaseCommand
from django.db import close_old_connections

from pregon.lib import workers
from pregon.sending import heartbeats
from pregon.sending.sms.receiver import Listener


class Command(BaseCommand):
    help = (
        "Keep a receiver bind to each SMPP gateway in use, for delivery receipts and replies, "
        "until stopped."
    )

    def add_arguments(self, parser: object) -> None:
        parser.add_argument(
            "--idle", type=float, default=5.0, help="seconds to wait when no SMPP gateway is in use"
        )

    def handle(self, *args: object, idle: float, **options: object) -> None:
        listener = Listener()

        def work() -> bool:
            # A long-lived process: a database connection that broke (a restart of the
            # server) is replaced instead of failing every receipt from then on.
            close_old_connections()
            return listener.listen(wait=1.0)

        try:
            workers.loop(work, idle, beat=lambda: heartbeats.beat("smpp"))
        finally:
            listener.close()
