"""The Spanish interface is complete: every msgid in the code has a Spanish translation."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def catalogue_entries(po_file: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (plural forms keyed by their singular), fuzzy marked."""
    entries: dict[str, str] = {}
    text = po_file.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        msgid, msgstr, current = [], [], None
        for line in lines:
            if line.startswith("msgid "):
                current = msgid
                line = line[len("msgid ") :]
            elif line.startswith("msgstr"):
                current = msgstr
                line = line.split(" ", 1)[1]
            elif line.startswith("msgid_plural") or line.startswith("msgctxt"):
                current = None
                continue
            elif not line.startswith('"'):
                continue
            if current is not None:
                current.append(line.strip()[1:-1])
        key = "".join(msgid)
        if key:
            entries[key] = "" if fuzzy else "".join(msgstr)
    return entries


def spanish_catalogues(root: Path) -> list[Path]:
    return sorted(
        p for p in root.glob("**/locale/es/LC_MESSAGES/django*.po") if ".venv" not in p.parts
    )


def test_every_spanish_msgid_is_translated() -> None:
    untranslated = [
        f"{po.relative_to(ROOT)}: {msgid!r}"
        for po in spanish_catalogues(ROOT)
        for msgid, msgstr in catalogue_entries(po).items()
        if not msgstr
    ]
    assert untranslated == []


def test_catalogues_hold_every_msgid_in_the_code(tmp_path: Path) -> None:
    """Run makemessages on a copy of the tree and compare with the committed catalogues."""
    for name in ("pregon", "templates", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "PREGON_VAR_DIR": str(tmp_path / "var")}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pregon",
            "makemessages",
            "-l",
            "es",
            "--no-location",
            "--ignore=var/*",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    missing = []
    for po in spanish_catalogues(tmp_path):
        committed = ROOT / po.relative_to(tmp_path)
        known = catalogue_entries(committed) if committed.exists() else {}
        missing += [
            f"{committed.relative_to(ROOT)}: {m!r}" for m in catalogue_entries(po) if m not in known
        ]
    assert missing == [], "run `make messages` and translate the new strings"
