"""Benchmark: the bounce classifier over a corpus of real-shaped notices (targets: >= 97 %
of failure notices recognised, >= 95 % of all notices given the right kind).

    .venv/bin/python bench/bounce_corpus.py [--corpus DIR]

A corpus is a folder of notices (raw messages, any layout) with an ``expected.csv`` beside
them: ``file,recipient,cause,kind``, where ``cause`` is ``none`` for a message that reports
no failure (a delay, an auto-reply). The default is the tests' own corpus,
pregon/tracking/tests/bounce_corpus; point ``--corpus`` at another one, such as a held-back
set, in the same format. Each notice goes through ``sending.bounces.dsn.read`` as the bounce
mailbox reads it; no database is touched.

Prints ``BENCH bounce_corpus_recognised <pct> %`` (failure notices whose recipient was
found), ``BENCH bounce_corpus_kind_right <pct> %`` (all notices: the right kind, or nothing
for a notice that reports no failure), ``BENCH bounce_corpus_cause_right <pct> %``,
``BENCH bounce_corpus_notices <n> notices`` and ``BENCH bounce_read <median> us`` (per
notice). Each miss is listed as a line starting with "#".
"""

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

# Run from anywhere: import this checkout's pregon, whatever the venv's install points at.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pregon.settings")

import django

CORPUS = Path(__file__).resolve().parent.parent / "pregon/tracking/tests/bounce_corpus"


def verdict(data: bytes, recipient: str) -> tuple[str, str] | None:
    """(cause, kind) of ``recipient``'s failure as the bounce mailbox reads ``data``; None
    when the notice reports no failure for them, ("none", "none") when it reports none."""
    from pregon.sending.bounces import dsn

    failures = dsn.read(data).failures
    if not failures:
        return ("none", "none")
    found = {failure.email: failure for failure in failures}
    if recipient not in found:
        return None
    return (str(found[recipient].cause), str(found[recipient].kind))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    django.setup()
    with open(args.corpus / "expected.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    failures = [row for row in rows if row["cause"] != "none"]
    recognised = kind_right = cause_right = 0
    timings = []
    for row in rows:
        data = (args.corpus / row["file"]).read_bytes()
        started = time.perf_counter()
        found = verdict(data, row["recipient"].lower())
        timings.append(time.perf_counter() - started)
        wanted = (row["cause"], row["kind"])
        if row["cause"] != "none" and found not in (None, ("none", "none")):
            recognised += 1
        kind_right += found is not None and found[1] == wanted[1]
        cause_right += found == wanted
        if found != wanted:
            print(f"# {row['file']}: expected {wanted}, got {found}")
    print(f"BENCH bounce_corpus_recognised {100 * recognised / len(failures):.1f} %")
    print(f"BENCH bounce_corpus_kind_right {100 * kind_right / len(rows):.1f} %")
    print(f"BENCH bounce_corpus_cause_right {100 * cause_right / len(rows):.1f} %")
    print(f"BENCH bounce_corpus_notices {len(rows)} notices")
    print(f"BENCH bounce_read {statistics.median(timings) * 1e6:.0f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
