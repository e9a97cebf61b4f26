"""The help centre's guides: Markdown files under ``guides/<language>/<slug>.md``.

The guides are ours, not anything a user typed, so their HTML is shown as Markdown makes
it, without sanitising. Each file starts with ``title:`` and ``summary:`` lines (the Meta
extension); its ``##`` and ``###`` headings make the table of contents. A translation is a
file of the same name in another language's folder; until one exists, readers of that
language get the Spanish guide.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import markdown

FOLDER = Path(__file__).parent / "guides"
ORIGINAL_LANGUAGE = "es"
# The order of the list of guides: what to publish first, then how to check it; then the
# classroom's pop-ups.
SLUGS = ("spf", "dkim", "dmarc", "verificacion", "envios-masivos", "ventanas-emergentes")


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    summary: str
    html: str
    # Python-Markdown's toc_tokens: dicts of level, id, name and children.
    toc: list[dict]


def _source(slug: str, language: str) -> Path:
    translated = FOLDER / language / f"{slug}.md"
    return translated if translated.exists() else FOLDER / ORIGINAL_LANGUAGE / f"{slug}.md"


@cache
def get(slug: str, language: str) -> Guide:
    """The guide ``slug`` in ``language`` (or in Spanish), rendered once per process.

    Raises KeyError for a slug that is not one of SLUGS.
    """
    if slug not in SLUGS:
        raise KeyError(slug)
    converter = markdown.Markdown(
        extensions=["meta", "toc", "tables", "fenced_code"],
        extension_configs={"toc": {"toc_depth": "2-3"}},
    )
    html = converter.convert(_source(slug, language).read_text(encoding="utf-8"))
    meta = converter.Meta
    return Guide(
        slug=slug,
        title=meta["title"][0],
        summary=" ".join(meta["summary"]),
        html=html,
        toc=converter.toc_tokens,
    )


def all_guides(language: str) -> list[Guide]:
    """Every guide, in the order of SLUGS."""
    return [get(slug, language) for slug in SLUGS]
