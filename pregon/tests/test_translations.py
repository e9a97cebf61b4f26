"""The Spanish interface is complete: every msgid in the code has a Spanish translation."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from pregon.testing.translations import catalogue_entries, escape

ROOT = Path(settings.BASE_DIR)


def compiled_entries(mo_file: Path) -> dict[str, str]:
    """The entries of a .mo file in the shape catalogue_entries gives them (escaped again)."""
    with mo_file.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    entries: dict[str, str] = {}
    for key in sorted(catalog, key=lambda k: k if isinstance(k, tuple) else (k, 0)):
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid:
            entries[escape(msgid)] = entries.get(escape(msgid), "") + escape(catalog[key])
    return entries


def spanish_catalogues(root: Path) -> list[Path]:
    return sorted(
        p for p in root.glob("**/locale/es/LC_MESSAGES/django*.po") if ".venv" not in p.parts
    )


def test_there_is_one_catalogue_for_the_whole_project() -> None:
    # Per-app locale/ directories would split the msgids: makemessages fills the nearest one.
    assert [p.relative_to(ROOT) for p in spanish_catalogues(ROOT)] == [
        Path("locale/es/LC_MESSAGES/django.po")
    ]


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


def test_compiled_catalogues_match_their_po_files() -> None:
    """The .mo files are committed (a fresh machine may have no msgfmt): keep them current."""
    stale = []
    for po in spanish_catalogues(ROOT):
        mo = po.with_suffix(".mo")
        expected = {msgid: msgstr for msgid, msgstr in catalogue_entries(po).items() if msgstr}
        compiled = compiled_entries(mo) if mo.exists() else {}
        if compiled != expected:
            stale.append(str(mo.relative_to(ROOT)))
    assert stale == [], "run `make messages` to compile the catalogues again"
