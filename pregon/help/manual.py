"""The user manual (``docs/manual/``, Spanish) as pages, in the order of its README: each
page rendered for Ayuda > Manual, the manual searched, and each screen's section.

The manual is also read on GitHub, so it is written as GitHub reads Markdown: nested lists
indented to their item's text (2 or 3 spaces), links between pages as ``page.md#anchor``,
screenshots as ``../screenshots/name.png``. The extension below makes Python-Markdown read
it the same way and points those links at the app's own URLs. A section names the screens
it explains in an HTML comment under its heading, ``<!-- pantallas: contacts:list
contacts:detail -->``: the "?" of those screens opens it, and the rendered page leaves the
comment out. The text is ours, not anything a user typed, so its HTML is shown as rendered.
"""

import html
import re
import unicodedata
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import markdown
from django.conf import settings
from django.urls import reverse
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

FOLDER = Path(settings.BASE_DIR) / "docs" / "manual"
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
# A numbered line of the README's contents: "3. [Importar contactos…](importar.md)".
CONTENTS_LINE = re.compile(r"^\d+\. \[(?P<title>[^\]]+)\]\((?P<file>[\w-]+)\.md\)", re.MULTILINE)
SCREENS_COMMENT = re.compile(r"^<!-- pantallas: (?P<names>[\w: -]+?) -->$")
PAGE_LINK = re.compile(r"^(?P<slug>[\w-]+)\.md(?P<anchor>#.*)?$")
SCREENSHOT_LINK = re.compile(r"^\.\./screenshots/(?P<name>[\w-]+)\.png$")
LIST_ITEM = re.compile(r"^(?P<indent> *)(?P<marker>[-*+]|\d+\.) ")
FENCE = re.compile(r"^ *(```|~~~)")
# Python-Markdown's own placeholders for raw HTML, left in the text the search reads.
STASHED = re.compile("\x02[^\x03]*\x03")
# The paragraph a screens comment becomes until the tree is read (plain letters only, so
# no inline pattern touches it).
SCREENS_MARKER = "pregonpantallas"
SNIPPET_CHARS = 90
README = "README"


@dataclass(frozen=True)
class Page:
    slug: str  # the file's name without .md
    title: str  # as the README's contents name it
    path: Path

    @property
    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def url(self) -> str:
        if self.slug == README:
            return reverse("help:manual_index")
        return reverse("help:manual_page", args=[self.slug])


@dataclass(frozen=True)
class Section:
    """A heading of a page and the text under it, up to the next heading."""

    page: Page
    title: str
    anchor: str
    text: str
    screens: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"{self.page.url}#{self.anchor}"


@dataclass(frozen=True)
class Rendered:
    html: str
    # The page's contents: its ## headings, each with its ### headings as children (dicts of
    # id, name and children).
    contents: list[dict]
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Hit:
    section: Section
    # The text around the first word found: before it, the word as written, after it.
    snippet: tuple[str, str, str]


@cache
def pages() -> tuple[Page, ...]:
    """Every page of the manual, in the README's order."""
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    return tuple(
        Page(match["file"], match["title"], FOLDER / f"{match['file']}.md")
        for match in CONTENTS_LINE.finditer(readme)
    )


def get(slug: str) -> Page:
    """The page ``slug``; raises KeyError if the README's contents do not list it."""
    for page in pages():
        if page.slug == slug:
            return page
    raise KeyError(slug)


def readme() -> Page:
    """The README: the manual's first page, with its contents."""
    return Page(README, "Manual de usuario", FOLDER / f"{README}.md")


@cache
def render(page: Page) -> Rendered:
    """``page`` as HTML, with its contents and its sections, rendered once per process."""
    sections: list[Section] = []
    converter = markdown.Markdown(
        extensions=["toc", "tables", "fenced_code", _ManualExtension(page, sections)],
        extension_configs={"toc": {"toc_depth": "2-3", "slugify": _github_slug}},
    )
    text = converter.convert(page.source)
    contents = _contents(converter.toc_tokens)
    return Rendered(html=text, contents=contents, sections=tuple(sections))


def section_for(view_name: str) -> tuple[str, str] | None:
    """The manual's section about the screen ``view_name`` ("contacts:list"), as (title, URL)."""
    section = screens().get(view_name)
    return (section.title, section.url) if section else None


@cache
def screens() -> dict[str, Section]:
    """Every screen (URL name) the manual's comments name, with the section explaining it."""
    found: dict[str, Section] = {}
    for page in pages():
        for section in render(page).sections:
            for name in section.screens:
                found.setdefault(name, section)
    return found


def search(query: str) -> list[Hit]:
    """The sections whose title or text hold every word of ``query``, ignoring accents and
    case: those with the words in their title first, then in the manual's order."""
    words = fold(query)[0].split()
    if not words:
        return []
    hits: list[tuple[int, Hit]] = []
    for page in pages():
        for section in render(page).sections:
            title = fold(section.title)[0]
            text, where = fold(section.text)
            if all(word in title or word in text for word in words):
                in_title = sum(word in title for word in words)
                hits.append((-in_title, Hit(section, _snippet(section.text, text, where, words))))
    return [hit for _, hit in sorted(hits, key=lambda pair: pair[0])]


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` without accents, in lower case, and where each of its characters came from."""
    folded: list[str] = []
    where: list[int] = []
    for position, character in enumerate(text):
        for part in unicodedata.normalize("NFKD", character).casefold():
            if not unicodedata.combining(part):
                folded.append(part)
                where.append(position)
    return "".join(folded), where


def _snippet(original: str, folded: str, where: list[int], words: list[str]) -> tuple[str, ...]:
    # The whole query if the text holds it, else its longest word, from the start of a word
    # if possible: "de" should not light up inside "demasiados".
    for candidate in (" ".join(words), *sorted(words, key=len, reverse=True)):
        found = re.search(rf"(?<!\w){re.escape(candidate)}", folded)
        found = found or re.search(re.escape(candidate), folded)
        if found:
            break
    else:
        return (original[: SNIPPET_CHARS * 2].rsplit(" ", 1)[0] + "…", "", "")
    first, last = where[found.start()], where[found.end() - 1] + 1
    before = original[max(0, first - SNIPPET_CHARS) : first]
    after = original[last : last + SNIPPET_CHARS]
    if first > SNIPPET_CHARS:
        before = "…" + before.split(" ", 1)[-1]
    if last + SNIPPET_CHARS < len(original):
        after = after.rsplit(" ", 1)[0] + "…"
    return (before.lstrip(), original[first:last], after.rstrip())


def _github_slug(value: str, separator: str) -> str:
    # As GitHub makes a heading's anchor, so that links written for GitHub work here too:
    # lower case, accents kept, punctuation dropped, each space a hyphen.
    return re.sub(r"[^\w\- ]", "", value.strip().lower()).replace(" ", separator)


def _contents(tokens: list[dict]) -> list[dict]:
    return [
        {
            "id": token["id"],
            "name": html.unescape(token["name"]),
            "children": _contents(token["children"]),
        }
        for token in tokens
    ]


class _ManualExtension(Extension):
    def __init__(self, page: Page, sections: list[Section]) -> None:
        super().__init__()
        self.page = page
        self.sections = sections

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Before fenced code (25), which wants its fences unindented.
        md.preprocessors.register(_GitHubLists(md), "manual_lists", 28)
        md.preprocessors.register(_ScreensComments(md), "manual_screens", 27)
        # After the table of contents (5), which gives the headings their ids.
        md.treeprocessors.register(_AppLinks(md, self.page, self.sections), "manual_links", 4)


class _GitHubLists(Preprocessor):
    """Indents nested lists and the paragraphs of list items by 4 spaces a level, as
    Python-Markdown wants, where GitHub takes the item's text column (2 or 3 spaces). A
    fenced block inside an item becomes an indented code block, which Python-Markdown
    understands there."""

    def run(self, lines: list[str]) -> list[str]:
        result: list[str] = []
        columns: list[int] = []  # the text column of each open list item, outermost first
        previous_blank = True
        fence = ""  # inside a fenced block: "top" at the margin, "item" in a list item
        for line in lines:
            indent = len(line) - len(line.lstrip(" "))
            if FENCE.match(line):
                kind = fence or ("item" if indent and columns else "top")
                fence = "" if fence else kind
                # Python-Markdown takes fences at the margin only: an item's fence becomes
                # the blank line around an indented code block.
                result.append(line if kind == "top" else "")
                previous_blank = kind == "item"
            elif fence == "top":
                result.append(line)
            elif fence == "item":
                result.append(" " * (4 * len(columns) + 4) + line[columns[-1] :])
            elif not line.strip():
                result.append(line)
                previous_blank = True
            else:
                result.append(self._indented(line, indent, columns, previous_blank))
                previous_blank = False
        return result

    @staticmethod
    def _indented(line: str, indent: int, columns: list[int], previous_blank: bool) -> str:
        item = LIST_ITEM.match(line)
        if item or previous_blank:
            while columns and indent < columns[-1]:
                columns.pop()
        if columns and indent >= columns[-1]:
            line = " " * (4 * len(columns)) + line[columns[-1] :]
        if item:
            columns.append(indent + len(item["marker"]) + 1)
        return line


class _ScreensComments(Preprocessor):
    """Turns each ``<!-- pantallas: … -->`` line into a paragraph of its own that
    _AppLinks reads and removes."""

    def run(self, lines: list[str]) -> list[str]:
        result: list[str] = []
        for line in lines:
            match = SCREENS_COMMENT.match(line.strip())
            if match:
                result += ["", f"{SCREENS_MARKER} {match['names']}", ""]
            else:
                result.append(line)
        return result


class _AppLinks(Treeprocessor):
    """Points links between pages and screenshots at the app's URLs, dresses images and
    tables for Bootstrap, and cuts the page into its sections."""

    def __init__(self, md: markdown.Markdown, page: Page, sections: list[Section]) -> None:
        super().__init__(md)
        self.page = page
        self.sections = sections

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "a":
                element.set("href", _app_link(element.get("href", "")))
            elif element.tag == "img":
                match = SCREENSHOT_LINK.match(element.get("src", ""))
                if match:
                    src = reverse("help:manual_screenshot", args=[match["name"]])
                    element.set("src", src)
                    _set_size(element, SCREENSHOTS / f"{match['name']}.png")
                element.set("class", "img-fluid border rounded my-2")
                element.set("loading", "lazy")
            elif element.tag == "h1":
                element.set("class", "h3 mb-3")
            elif element.tag == "table":
                element.set("class", "table table-sm table-bordered align-top")
        self._scroll_tables(root)
        self._cut_sections(root)

    @staticmethod
    def _scroll_tables(root: etree.Element) -> None:
        # A wide table scrolls in its own box on a phone; the page does not.
        for parent in list(root.iter()):
            for position, child in enumerate(list(parent)):
                if child.tag == "table":
                    box = etree.Element("div", {"class": "table-responsive"})
                    parent.remove(child)
                    box.append(child)
                    parent.insert(position, box)

    def _cut_sections(self, root: etree.Element) -> None:
        title, anchor, screens, texts = self.page.title, "", [], []

        def close() -> None:
            text = STASHED.sub("", " ".join(texts))
            text = " ".join(text.split())
            section = Section(self.page, title, anchor, text, tuple(screens))
            self.sections.append(section)

        for child in list(root):
            if re.fullmatch(r"h[1-6]", child.tag):
                if anchor or texts:
                    close()
                title, anchor = "".join(child.itertext()).strip(), child.get("id", "")
                screens, texts = [], []
            elif child.tag == "p" and (child.text or "").startswith(SCREENS_MARKER):
                screens += child.text.split()[1:]
                root.remove(child)
            else:
                texts.append("".join(child.itertext()))
        close()


def _set_size(image: etree.Element, path: Path) -> None:
    # The size lets the browser keep the picture's room before it loads, so that a link to
    # a heading lands on it and not where it was before the pictures above it came in.
    try:
        with path.open("rb") as png:
            header = png.read(24)
    except FileNotFoundError:
        return  # A test lists the screenshots that are missing.
    if header[:8] == b"\x89PNG\r\n\x1a\n":
        image.set("width", str(int.from_bytes(header[16:20], "big")))
        image.set("height", str(int.from_bytes(header[20:24], "big")))


def _app_link(href: str) -> str:
    # A link to a page the contents do not list stays as written; a test finds it.
    match = PAGE_LINK.match(href)
    known = {page.slug: page for page in (readme(), *pages())}
    if not match or match["slug"] not in known:
        return href
    return known[match["slug"]].url + (match["anchor"] or "")
