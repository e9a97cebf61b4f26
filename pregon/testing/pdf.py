"""Reading back the PDFs Pregón makes (pregon.reports.pdf) without a PDF library: the
structure a reader relies on, the pages and the words on them."""

import re
import zlib
from dataclasses import dataclass

_OBJECT = re.compile(rb"\d+ 0 obj(.*?)endobj", re.DOTALL)
# A stream's dictionary and where its data starts; the data is /Length bytes long (read up
# to "endstream", compressed data ending in a carriage return would lose that byte).
_STREAM = re.compile(
    rb"<<(?P<dictionary>(?:(?!>>).)*?/Length\s+(?P<length>\d+).*?)>>\s*stream\r?\n", re.DOTALL
)
# A string shown on a page: "(…) Tj", with \\, \( and \) and octal escapes inside.
_SHOWN = re.compile(rb"\((?P<text>(?:\\.|[^\\)])*)\)\s*Tj")
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.DOTALL)
_NAMED = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


@dataclass(frozen=True)
class Pdf:
    pages: int
    text: str


def _unescape(match: re.Match) -> bytes:
    escaped = match.group(1)
    if escaped[:1].isdigit():
        return bytes([int(escaped, 8)])
    return _NAMED.get(escaped, escaped)


def read(data: bytes) -> Pdf:
    """Check that ``data`` is a PDF a reader can open: the header, a cross-reference table
    whose every entry points at the start of its object, a trailer naming the catalogue,
    and a page tree that counts the pages there are. Return its page count and the text
    its pages show (lines joined by newlines). Raises AssertionError otherwise."""
    assert data.startswith(b"%PDF-1."), data[:16]
    assert data.rstrip().endswith(b"%%EOF")
    start = int(data[data.rindex(b"startxref") + len(b"startxref") :].split()[0])
    assert data[start:].startswith(b"xref"), "startxref does not point at the table"
    lines = data[start:].split(b"\n")
    first, count = (int(part) for part in lines[1].split())
    for number in range(first, first + count):
        offset, _generation, kind = lines[2 + number - first].split()
        if kind == b"n":
            assert data[int(offset) :].startswith(f"{number} 0 obj".encode()), number
    trailer = data[data.rindex(b"trailer") :]
    assert b"/Root" in trailer and b"/Size" in trailer
    objects = [found.group(1) for found in _OBJECT.finditer(data)]
    pages = sum(1 for body in objects if re.search(rb"/Type\s*/Page\b(?!s)", body))
    trees = [body for body in objects if re.search(rb"/Type\s*/Pages\b", body)]
    assert len(trees) == 1 and int(re.search(rb"/Count\s+(\d+)", trees[0]).group(1)) == pages
    shown = []
    for stream in _STREAM.finditer(data):
        content = data[stream.end() : stream.end() + int(stream.group("length"))]
        if b"/FlateDecode" in stream.group("dictionary"):
            content = zlib.decompress(content)
        shown += [_ESCAPE.sub(_unescape, found.group("text")) for found in _SHOWN.finditer(content)]
    return Pdf(pages, "\n".join(text.decode("latin-1") for text in shown))
