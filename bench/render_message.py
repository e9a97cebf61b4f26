"""Benchmark: personalise one message of a 20 KB+ template (target: <= 100 µs median).

    .venv/bin/python bench/render_message.py [--messages 2000] [--runs 15]

Render only, as the sending engine does per recipient: build the merge-tag values of a
contact (``context_for``) and render the precompiled subject, HTML and plain text
(``Personaliser.render``). The template is the gallery's course announcement with the default
brand kit (about 28 KB of HTML, more than the 20 KB the target names), compiled once, as a
campaign compiles it once. Contacts are made in memory, each with its own name and two
custom fields; no database is touched, so it runs once, not per engine.

Prints ``BENCH render_message <median> us`` (per message, median of the runs) and the
template's compiled size, ``BENCH render_message_template_size <KB> KB``.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

# Run from anywhere: import this checkout's pregon, whatever the venv's install points at.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pregon.settings")

import django

FIELDS = ["entidad", "curso"]
SUBJECT = '{{ nombre | default("Colega") }}, estos son los cursos de diciembre'


def contacts(count: int) -> list:
    from pregon.contacts.models import Contact

    return [
        Contact(
            email=f"persona{number}@example.org",
            first_name=f"Nombre{number}" if number % 10 else "",
            last_name=f"Apellido{number}",
            phone="+51987654321",
            attributes={"entidad": f"Municipalidad {number % 200}", "curso": "SIAF"},
        )
        for number in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    django.setup()
    from pregon.content import gallery
    from pregon.content.models import BrandKit
    from pregon.content.preview import gallery_images_url
    from pregon.content.render import Personaliser, compile_source, context_for

    source = gallery.instantiate("curso", BrandKit().as_context(), gallery_images_url())
    compiled = compile_source(True, source, FIELDS)
    personaliser = Personaliser(SUBJECT, compiled.html, compiled.text)
    people = contacts(options.messages)
    unsubscribe = "https://correo.example.gob.pe/t/u/AbCdEfGhIjKlMnOp"
    per_message = []
    for _run in range(options.runs):
        started = time.perf_counter()
        for person in people:
            personaliser.render(context_for(person, unsubscribe, FIELDS))
        per_message.append((time.perf_counter() - started) / len(people) * 1_000_000)
    size = len(compiled.html.encode()) / 1024
    print(f"# {options.runs} runs of {options.messages} messages", flush=True)
    print(f"BENCH render_message_template_size {size:.1f} KB")
    print(f"BENCH render_message {statistics.median(per_message):.1f} us")


if __name__ == "__main__":
    main()
