"""The plain-text alternative of an HTML email.

Written here rather than taken from html2text, which escapes Markdown in the text ("2026\\.
año"), or inscriptis, which lays an email's nested tables out as columns of spaces. Merge
tags pass through untouched, so the text is personalised like the HTML.

A table row is a line, its cells parted by " | " ("Inicio | Lunes 7 de diciembre"). Layout
tables, whose cells hold blocks, still read as paragraphs: a separator is only written
between two cells whose text shares a line.
"""

import re
from html.parser import HTMLParser

# Elements that end a line of text; headings and paragraphs also leave a blank line.
BREAKS = {"br", "div", "li", "table", "ul", "ol", "hr", "blockquote", "section"}
PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}
# Elements whose content is never read: styles, the head, Outlook's conditional markup.
SKIPPED = {"head", "style", "script", "title"}
HIDDEN = re.compile(r"display\s*:\s*none", re.IGNORECASE)
CELLS = {"td", "th"}
CELL_SEPARATOR = " | "
VOID = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "source", "wbr"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip_depth = 0
        self.stack: list[tuple[str, bool]] = []  # (tag, whether it started a skipped part)
        self.links: list[tuple[str, int]] = []  # (href, position of its text in out)
        self.cell_follows_text = False  # A cell began after text on its line.

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag not in VOID:
            hides = tag in SKIPPED or bool(HIDDEN.search(attributes.get("style") or ""))
            self.stack.append((tag, hides))
            if hides:
                self.skip_depth += 1
        if self.skip_depth:
            return
        if tag in BREAKS or tag in PARAGRAPHS:
            self._break("\n\n" if tag in PARAGRAPHS else "\n")
        elif tag == "tr":
            self._end_line()
        elif tag in CELLS:
            self.cell_follows_text = self._line_has_text()
        if tag == "li":
            self.out.append("- ")
        elif tag == "a":
            self._separate_cell()  # Before the link's text begins: not part of its label.
            self.links.append((attributes.get("href") or "", len(self.out)))
        elif tag == "img" and self.links and attributes.get("alt"):
            self._write(attributes["alt"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not any(open_tag == tag for open_tag, _ in self.stack):
            return
        while self.stack:
            open_tag, hides = self.stack.pop()
            if hides:
                self.skip_depth -= 1
            if open_tag == tag:
                break
        if self.skip_depth:
            return
        if tag == "a" and self.links:
            href, start = self.links.pop()
            label = " ".join("".join(self.out[start:]).split())
            target = href.removeprefix("mailto:")
            if target and not target.startswith("#") and target != label:
                self.out.append(f" ({target})" if label else target)
        if (tag in BREAKS and tag != "li") or tag in PARAGRAPHS:
            self._break("\n\n" if tag in PARAGRAPHS else "\n")
        elif tag == "tr":
            self._end_line()

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self._write(re.sub(r"\s+", " ", data))

    def _write(self, text: str) -> None:
        if text.strip():
            self._separate_cell()
        if self.out and self.out[-1] == CELL_SEPARATOR:
            text = text.lstrip(" ")
        self.out.append(text)

    def _separate_cell(self) -> None:
        """Write the separator if a cell began after text on this line, and not yet."""
        if not self.cell_follows_text:
            return
        self.cell_follows_text = False
        # The spaces between the cells go: the separator has its own. (Emptied in place,
        # since links keep positions in ``out``.)
        for index in range(len(self.out) - 1, -1, -1):
            self.out[index] = self.out[index].rstrip(" ")
            if self.out[index]:
                break
        self.out.append(CELL_SEPARATOR)

    def _break(self, breaks: str) -> None:
        self.cell_follows_text = False
        self.out.append(breaks)

    def _end_line(self) -> None:
        """End the line if it has text: rows follow each other without a blank line."""
        if self._line_has_text():
            self._break("\n")

    def _line_has_text(self) -> bool:
        for piece in reversed(self.out):
            _before, newline, after = piece.rpartition("\n")
            if after.strip():
                return True
            if newline:
                return False
        return False


def html_to_text(html: str) -> str:
    """Readable plain text for ``html``: one paragraph per block, links as "text (url)"."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.out).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
