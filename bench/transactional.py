"""Benchmark: POST /api/v1/transactional under load from a second process (target: >= 200
requests/s accepted on this 2-core machine).

    .venv/bin/python bench/transactional.py [--seconds 20] [--connections 4]

Needs ``wrk`` (Debian's wrk package). Builds its own database, like the other benchmarks,
with an editor's API token, a sender, a template with a custom field and 1,000 contacts,
and starts the web server as ``pregon run`` does (gunicorn, settings.WEB_WORKERS processes,
access log on). wrk posts enrolment confirmations over 4 connections (a classroom server
sends a few at a time; more only wait in line for the two synchronous web processes and
SQLite's write lock), each with an Idempotency-Key of its own, half of them to contacts
and half to addresses that are no contact, with open and click tracking. The per-token
limit is raised for the run (PREGON_TRANSACTIONAL_PER_MINUTE): what is measured is how many
the server accepts, not the limit. Last, the queued messages are counted: one per 201 wrk
counted (a few more, never fewer: wrk does not count the answers still in flight when it
stops), and a repeat of a key is checked to queue nothing.

Prints ``BENCH transactional_accepted_<engine>`` (201 answers a second),
``BENCH transactional_p99_ms_<engine>`` and ``BENCH transactional_lost_<engine>``.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

# Run from anywhere: import this checkout's pregon, whatever the venv's install points at.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database
from tracking_endpoints import free_port, measure, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "pregon_bench_transactional"
CONTACTS = 1_000
HTML = (
    "<html><body><p>Hola {{ nombre | default('estudiante') }}:</p>"
    "<p>Su matrícula en <strong>{{ curso }}</strong> está confirmada.</p>"
    '<p><a href="https://aula.example.gob.pe/course/view.php?id=42">Entrar al aula</a></p>'
    "</body></html>"
)
# Each request a key of its own; every other one to an address that is no contact.
LUA = """
local n = 0
local bodies = {%(bodies)s}
request = function()
  n = n + 1
  local headers = {
    ["Authorization"] = "Bearer %(token)s",
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "%(run)s-" .. n,
  }
  return wrk.format("POST", "/api/v1/transactional", headers, bodies[(n %% #bodies) + 1])
end
"""


def setup() -> tuple[str, str, str]:
    """An editor's token, a sender and a template; the token and the two codes."""
    import django

    django.setup()
    from django.core.management import call_command

    from pregon.accounts.models import ApiToken, Role, User
    from pregon.contacts.models import Contact, Field, FieldType
    from pregon.content.models import EmailTemplate, Format
    from pregon.sending import quota
    from pregon.sending.models import SenderIdentity

    call_command("migrate", verbosity=0)
    quota.ensure_plan()
    editor = User.objects.create_user("aula@example.gob.pe", uuid.uuid4().hex, role=Role.EDITOR)
    token = ApiToken.issue(editor, "Aula virtual")[1]
    Field.objects.create(key="curso", label="Curso", type=FieldType.TEXT)
    Contact.objects.bulk_create(
        Contact(email=f"alumno{n}@example.gob.pe", first_name=f"Alumno {n}")
        for n in range(CONTACTS)
    )
    template = EmailTemplate(name="Matrícula confirmada", format=Format.HTML)
    template.set_source(HTML)
    template.save()
    sender = SenderIdentity.objects.create(
        from_name="Escuela", from_email="capacitacion@escuela.example.gob.pe"
    )
    return token, str(sender.code), str(template.code)


def bodies(sender: str, template: str) -> str:
    """The Lua list of request bodies wrk cycles through."""
    items = []
    for n in range(200):
        to = f"alumno{n}@example.gob.pe" if n % 2 else f"externo{n}@example.gob.pe"
        body = {
            "to": to,
            "sender": sender,
            "template": template,
            "subject": "Matrícula confirmada: {{ curso }}",
            "data": {"nombre": f"Persona {n}", "curso": f"Curso {n % 7}"},
            "track_opens": True,
            "track_clicks": True,
        }
        items.append("[[" + json.dumps(body) + "]]")
    return ", ".join(items)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: install Debian's wrk package", file=sys.stderr)
        return 2
    with own_database(BENCH_DATABASE) as (engine, var_dir):
        os.environ["PREGON_DEBUG"] = "0"
        token, sender, template = setup()
        from django.db import connection

        from pregon.management.commands.run import web_command
        from pregon.sending.models import Message

        connection.close()
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            web_command(f"127.0.0.1:{port}"),
            stdout=subprocess.DEVNULL,
            cwd=var_dir,
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "PREGON_TRANSACTIONAL_PER_MINUTE": "1000000",
            },
        )
        try:
            wait_for_port(port, server)
            base = f"http://127.0.0.1:{port}"
            with tempfile.TemporaryDirectory() as folder:
                lua = Path(folder) / "transactional.lua"
                values = {"token": token, "bodies": bodies(sender, template)}
                # Each web process's first requests load the code: not what is measured.
                lua.write_text(LUA % {**values, "run": "warm-up"})
                warm = measure(base, lua, args.connections, 4)
                lua.write_text(LUA % {**values, "run": "run"})
                figures = measure(base, lua, args.connections, args.seconds)
                # The same keys again: answered, never queued twice.
                time.sleep(2)  # The answers still in flight when wrk stopped.
                before = Message.objects.count()
                again = measure(base, lua, args.connections, 2)
                repeated = Message.objects.count() - before
        finally:
            server.terminate()
            server.wait()
        queued = Message.objects.filter(mailing__key__contains=":run-").count()
        accepted = figures["answers"] - figures["errors"]
        lost = max(0, accepted - queued)
        print(f"# on {engine}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} at the end")
        print(f"# warm-up: {warm['answers']} answers; run: {figures['answers']} answers,")
        print(f"# {figures['errors']} not 2xx, {queued} messages queued")
        print(f"# repeats: {again['answers']} answers, {repeated} messages queued by them")
        rate = figures["rate"] * accepted / max(figures["answers"], 1)
        print(f"BENCH transactional_accepted_{engine} {rate:.0f} req/s")
        print(f"BENCH transactional_p99_ms_{engine} {figures['p99_ms']:.1f} ms")
        print(f"BENCH transactional_lost_{engine} {lost} messages")
        return 0 if repeated == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
