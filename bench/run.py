"""Run every benchmark in this folder, one after another (`make bench`).

Each benchmark is a script that sets up its own database and prints lines
`BENCH <name> <value> <unit>`. They run once on the embedded default (SQLite) and, when
PostgreSQL answers at PREGON_BENCH_POSTGRES_URL's server, once on PostgreSQL.
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
POSTGRES = os.environ.get(
    "PREGON_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/pregon_bench"
)


def main() -> int:
    failed = []
    for script in sorted(HERE.glob("*.py")):
        if script.name == "run.py":
            continue
        for engine, url in (("sqlite", ""), ("postgresql", POSTGRES)):
            env = {**os.environ, "PREGON_DATABASE_URL": url}
            print(f"# {script.name} on {engine}", flush=True)
            result = subprocess.run([sys.executable, str(script)], env=env, check=False)  # noqa: S603
            if result.returncode != 0:
                failed.append(f"{script.name} ({engine})")
    if failed:
        print("failed:", ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
