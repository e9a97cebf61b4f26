"""The checklist of the tender's requirements (``checklist.toml``, beside this file): each
requirement's Spanish wording and the screens, screenshots and tests that fulfil it."""

import tomllib
from dataclasses import dataclass
from pathlib import Path

FILE = Path(__file__).with_name("checklist.toml")


@dataclass(frozen=True)
class Screen:
    name: str  # a URL name with no arguments, such as "contacts:list"
    label: str  # as the menu names it, in Spanish


@dataclass(frozen=True)
class Requirement:
    code: str  # "R1"
    source: str  # where the terms of reference say it
    wording: str  # the terms of reference's own words
    screens: tuple[Screen, ...]
    screenshots: tuple[str, ...]  # file names in docs/screenshots/
    tests: tuple[str, ...]  # paths from the repository's root


def load(path: Path | None = None) -> tuple[Requirement, ...]:
    """The requirements of the checklist at ``path`` (``FILE`` unless given), in its order.

    Raises ValueError naming the requirement whose entry lacks a field.
    """
    path = path or FILE
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    requirements = []
    for index, row in enumerate(data.get("requirement", []), start=1):
        try:
            requirements.append(
                Requirement(
                    code=row["code"],
                    source=row["source"],
                    wording=row["wording"].strip(),
                    screens=tuple(Screen(s["name"], s["label"]) for s in row["screens"]),
                    screenshots=tuple(row["screenshots"]),
                    tests=tuple(row["tests"]),
                )
            )
        except (KeyError, TypeError) as error:
            name = row.get("code", f"#{index}") if isinstance(row, dict) else f"#{index}"
            raise ValueError(f"{path.name}: requirement {name} lacks {error}") from None
    return tuple(requirements)
