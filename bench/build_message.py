"""Benchmark: build one message of the send benchmark's campaign, as a sending worker does.

    .venv/bin/python bench/build_message.py [--messages 2000] [--runs 5]

``Worker.build`` and the hand-over's ``wire_format`` per message, with no SMTP and no claim:
personalise the gallery's course announcement (merge values, signed tokens, tracking links),
assemble the MIME, sign it with Ed25519 and RSA-2048, dot-stuff it. The campaign is
``send_campaign.py``'s (the same template, sender, subject and contacts), queued in a new
SQLite database; each run builds every message once. The CPU time of a run (``process_time``)
is what it reports, not the wall time: on a busy machine it moves much less.

Prints ``BENCH build_message <best> us`` (CPU per message, best of the runs), its median
``BENCH build_message_median``, and ``BENCH build_message_rsa_share`` (how much of it one
RSA-2048 signature of the same size takes, measured alone: a floor no change to our code
moves).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

# Run from anywhere: import this checkout's pregon, whatever the venv's install points at.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.pop("PREGON_DATABASE_URL", None)  # Always SQLite: the database is only read once.

from benchdb import own_database
from send_campaign import setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with own_database("pregon_bench_build"):
        import django

        django.setup()
        setup(options.messages, port=25, workers=1)
        measure(options.runs)


def measure(runs: int) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    from pregon.sending import engine
    from pregon.sending.models import Message
    from pregon.sending.transports import outbox
    from pregon.sending.transports.smtp import wire_format

    messages = list(
        Message.objects.select_related("mailing__sender__domain", "contact").order_by("pk")
    )
    worker = engine.Worker(outbox())
    worker.build(messages[0])  # The composer, made once per mailing.
    per_message = []
    for _run in range(runs):
        started = time.process_time()
        for message in messages:
            _return_path, data = worker.build(message)
            wire_format(data)
        per_message.append((time.process_time() - started) / len(messages) * 1_000_000)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    started = time.process_time()
    for _ in range(200):
        key.sign(data[:1500], padding.PKCS1v15(), hashes.SHA256())
    rsa_us = (time.process_time() - started) / 200 * 1_000_000
    print(f"# {runs} runs of {len(messages)} messages of {len(data):,} bytes")
    print(f"# one RSA-2048 signature alone: {rsa_us:.0f} us")
    print(f"BENCH build_message {min(per_message):.0f} us")
    print(f"BENCH build_message_median {statistics.median(per_message):.0f} us")
    print(f"BENCH build_message_rsa_share {100 * rsa_us / min(per_message):.0f} %")


if __name__ == "__main__":
    main()
