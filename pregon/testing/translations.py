"""Reading a gettext catalogue (.po) as the translation tests compare it with the code."""

from pathlib import Path


def catalogue_entries(po_file: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file, "" when fuzzy. Plural forms are keyed by their singular
    with their msgstrs joined; a msgid with a context is keyed "context\x04msgid", as in a .mo."""
    entries: dict[str, str] = {}
    text = po_file.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        msgctxt: list[str] = []
        msgid: list[str] = []
        msgstr: list[str] = []
        current = None
        for line in lines:
            if line.startswith("msgctxt "):
                current = msgctxt
                line = line[len("msgctxt ") :]
            elif line.startswith("msgid "):
                current = msgid
                line = line[len("msgid ") :]
            elif line.startswith("msgstr"):
                current = msgstr
                line = line.split(" ", 1)[1]
            elif line.startswith("msgid_plural"):
                current = None
                continue
            elif not line.startswith('"'):
                continue
            if current is not None:
                current.append(line.strip()[1:-1])
        key = "".join(msgid)
        if key:
            if msgctxt:
                key = "".join(msgctxt) + "\x04" + key
            entries[key] = "" if fuzzy else "".join(msgstr)
    return entries


def escape(text: str) -> str:
    """A .po file's spelling of a string: backslashes, quotes and newlines escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
