import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Start the whole platform: web, task workers, senders and scheduler, until stopped."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--bind", default=settings.BIND, help="address:port of the web server")

    def handle(self, *args: object, bind: str, **options: object) -> None:
        pregon = [sys.executable, "-m", "pregon"]
        commands = {"web": web_command(bind), "scheduler": [*pregon, "runscheduler"]}
        for n in range(settings.TASK_WORKERS):
            commands[f"worker-{n + 1}"] = batch_command("db_worker", "--queue-name", "*")
        for n in range(settings.SENDER_WORKERS):
            commands[f"sender-{n + 1}"] = batch_command("runsender")
        # SMS are few and a gateway answers one at a time: one SMS sender is enough.
        commands["sms-sender"] = [*pregon, "runsmssender"]
        # Receipts and replies from carriers' SMSCs; it idles when no SMPP gateway is in use.
        commands["smpp"] = [*pregon, "runsmpp"]
        # Workflows' steps are rows written in batches: one worker keeps up with thousands a second.
        commands["automation"] = batch_command("runautomation")
        # The terminal's messages speak the install's language, as setup's do.
        with translation.override(settings.LANGUAGE_CODE):
            Supervisor(commands, self.stdout).run()
            self.stdout.write(_("Stopped."))


def web_command(bind: str) -> list[str]:
    """The web server's command line (the tracking benchmark starts the same one)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "pregon.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(settings.WEB_WORKERS),
        "--access-logfile",
        "-",
        # Its lines keep the paths of links in mail, not their tokens.
        "--logger-class",
        "pregon.lib.accesslog.Logger",
        "--graceful-timeout",
        "20",
    ]


def batch_command(*arguments: str) -> list[str]:
    """The command line of a process that does batch work (senders, task workers, workflows),
    run at a lower CPU priority (settings.BATCH_NICE) than the web server: when the cores
    are busy, the open pixel and the screens answer first, and sending waits a little (the
    tracking benchmark starts senders with it too)."""
    command = [sys.executable, "-m", "pregon", *arguments]
    return ["nice", "-n", str(settings.BATCH_NICE), *command] if settings.BATCH_NICE else command


class Supervisor:
    """Keep a few child processes alive: restart one that dies, stop all on SIGTERM, SIGINT
    or SIGHUP (the terminal closed: without it, the web server would stay behind, holding
    the port the next `make run` needs)."""

    def __init__(self, commands: dict[str, list[str]], out: object) -> None:
        self.commands = commands
        self.out = out
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def run(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self.stop)
        for name in self.commands:
            self.start(name)
        self.out.write(
            _("Pregón is running at %(url)s (Ctrl+C stops it).") % {"url": settings.SITE_URL}
        )
        while not self.stopping:
            time.sleep(1)
            for name, child in list(self.children.items()):
                if child.poll() is not None and not self.stopping:
                    self.out.write(
                        _("%(name)s stopped with code %(code)s; starting it again.")
                        % {"name": name, "code": child.returncode}
                    )
                    time.sleep(1)
                    self.start(name)
        for child in self.children.values():
            child.terminate()
        for child in self.children.values():
            try:
                child.wait(timeout=25)
            except subprocess.TimeoutExpired:
                child.kill()

    def start(self, name: str) -> None:
        self.children[name] = subprocess.Popen(self.commands[name])  # noqa: S603

    def stop(self, signum: int, frame: object) -> None:
        self.stopping = True
