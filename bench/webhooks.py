"""Benchmark: a burst of 10,000 events to one webhook endpoint, delivered in order.

    .venv/bin/python bench/webhooks.py [--events 10000] [--batch 1000]

Builds its own database (see benchdb.py), subscribes one endpoint to "message.opened" on a
receiver in a separate process (http.server on 127.0.0.1, allowed by name as an
administrator would), emits the events in batches as the tracking spool's flush does, then
runs the delivery worker until nothing is due. The receiver checks the order and the
Standard Webhooks signature of every request. Prints:

- ``BENCH webhooks_emit_<engine> <ms> ms per 1,000 events``: what the listener adds to the
  emitter's transaction (one query and one bulk INSERT per batch);
- ``BENCH webhooks_deliver_<engine> <n> deliveries/s``: the worker, one endpoint, in order;
- ``BENCH webhooks_burst_<engine> <s> s``: the whole burst, from the first event to the
  last delivery.
"""

import argparse
import http.server
import json
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import own_database


def receive(port_out: multiprocessing.Queue, done: multiprocessing.Queue, secret: str) -> None:
    from standardwebhooks.webhooks import Webhook

    verifier = Webhook(secret)
    seen: list[int] = []
    bad = 0

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            nonlocal bad
            body = self.rfile.read(int(self.headers["Content-Length"]))
            try:
                data = verifier.verify(body, dict(self.headers.items()))
                seen.append(data["data"]["n"])
            except Exception:
                bad += 1
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            in_order = seen == sorted(seen) and len(set(seen)) == len(seen)
            done.put({"received": len(seen), "in_order": in_order, "bad_signatures": bad})
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_out.put(server.server_address[1])
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1_000)
    args = parser.parse_args()
    with own_database("pregon_bench_webhooks") as (engine, _folder):
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import transaction

        from pregon.lib import events, vault
        from pregon.webhooks import deliveries, signing
        from pregon.webhooks.models import AllowedHost, Delivery, Endpoint

        call_command("migrate", verbosity=0)
        secret = signing.new_secret()
        ports, done = multiprocessing.Queue(), multiprocessing.Queue()
        receiver = multiprocessing.Process(target=receive, args=(ports, done, secret))
        receiver.start()
        port = ports.get()
        AllowedHost.objects.create(name="127.0.0.1")
        Endpoint.objects.create(
            url=f"http://127.0.0.1:{port}/hooks",
            events=[events.MESSAGE_OPENED],
            secret=vault.encrypt(secret),
        )
        started = time.perf_counter()
        emit_seconds = 0.0
        for first in range(0, args.events, args.batch):
            payloads = [
                {"n": n, "message": n, "contact": n, "at": "2026-12-05T10:00:00+00:00"}
                for n in range(first, min(first + args.batch, args.events))
            ]
            t = time.perf_counter()
            with transaction.atomic():
                events.emit(events.MESSAGE_OPENED, payloads)
            emit_seconds += time.perf_counter() - t
        delivering = time.perf_counter()
        while deliveries.deliver_due():
            pass
        finished = time.perf_counter()
        import urllib.request

        urllib.request.urlopen(f"http://127.0.0.1:{port}/").read()
        result = done.get()
        receiver.terminate()
        delivered = Delivery.objects.filter(status="delivered").count()
        print(json.dumps({**result, "delivered": delivered}))
        per_thousand = emit_seconds * 1000 / (args.events / 1000)
        print(f"BENCH webhooks_emit_{engine} {per_thousand:.1f} ms per 1,000 events")
        rate = args.events / (finished - delivering)
        print(f"BENCH webhooks_deliver_{engine} {rate:.0f} deliveries/s")
        print(f"BENCH webhooks_burst_{engine} {finished - started:.1f} s")


if __name__ == "__main__":
    main()
