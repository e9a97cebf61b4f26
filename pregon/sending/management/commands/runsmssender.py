from django.core.management.base import BaseCommand

from pregon.lib import workers
from pregon.sending import heartbeats
from pregon.sending.sms import sender


class Command(BaseCommand):
    help = "Send queued SMS through the gateway in use until stopped."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--idle", type=float, default=1.0, help="seconds to wait when idle")
        parser.add_argument("--once", action="store_true", help="send what is due, then stop")

    def handle(self, *args: object, idle: float, once: bool, **options: object) -> None:
        workers.loop(sender.send_due, idle, once, beat=lambda: heartbeats.beat("sms-sender"))
