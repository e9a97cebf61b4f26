import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the whole platform: web, task workers, senders and scheduler, until stopped."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--bind", default=settings.BIND, help="address:port of the web server")

    def handle(self, *args: object, bind: str, **options: object) -> None:
        pregon = [sys.executable, "-m", "pregon"]
        commands = {"web": web_command(bind), "scheduler": [*pregon, "runscheduler"]}
        for n in range(settings.TASK_WORKERS):
            commands[f"worker-{n + 1}"] = [*pregon, "db_worker", "--queue-name", "*"]
        for n in range(settings.SENDER_WORKERS):
            commands[f"sender-{n + 1}"] = [*pregon, "runsender"]
        Supervisor(commands, self.stdout).run()
        self.stdout.write("Stopped.")


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


class Supervisor:
    """Keep a few child processes alive: restart one that dies, stop all on SIGTERM/SIGINT."""

    def __init__(self, commands: dict[str, list[str]], out: object) -> None:
        self.commands = commands
        self.out = out
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        for name in self.commands:
            self.start(name)
        self.out.write(f"Pregón is running at {settings.SITE_URL} (Ctrl+C stops it).")
        while not self.stopping:
            time.sleep(1)
            for name, child in list(self.children.items()):
                if child.poll() is not None and not self.stopping:
                    self.out.write(f"{name} exited with {child.returncode}; restarting it.")
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
