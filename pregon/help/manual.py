"""The user manual (``docs/manual/``, Spanish) as pages, in the order of its README."""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

FOLDER = Path(settings.BASE_DIR) / "docs" / "manual"
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
# A numbered line of the README's contents: "3. [Importar contactos…](importar.md)".
CONTENTS_LINE = re.compile(r"^\d+\. \[(?P<title>[^\]]+)\]\((?P<file>[\w-]+)\.md\)", re.MULTILINE)


@dataclass(frozen=True)
class Page:
    slug: str  # the file's name without .md
    title: str  # as the README's contents name it
    path: Path

    @property
    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")


@cache
def pages() -> tuple[Page, ...]:
    """Every page of the manual, in the README's order."""
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    return tuple(
        Page(match["file"], match["title"], FOLDER / f"{match['file']}.md")
        for match in CONTENTS_LINE.finditer(readme)
    )


def section_for(view_name: str) -> tuple[str, str] | None:
    """The manual's section about the screen ``view_name`` ("contacts:list"), as (title, URL)."""
    return None
