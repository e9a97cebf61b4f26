"""A tutorial's script: data, one TOML file per tutorial under ``scripts/``.

The file's name gives its order and slug (``03-segmentos.toml``: third, ``segmentos``)::

    title = "Segmentos"
    summary = "Agrupar a sus contactos por lo que hicieron."
    user = "editor"          # who signs in first: admin, editor or analyst (default admin)

    [[chapters]]
    title = "Un segmento nuevo"
    screens = ["contacts:segments"]   # screens whose "?" links to this chapter

    [[chapters.steps]]
    say = "Abra Segmentos en el menú de arriba."  # the narration, in Spanish
    action = "click"                               # see ACTIONS
    target = "nav >> text=Segmentos"               # a Playwright selector, or a path for goto
    value = ""                                     # what fill types, select picks, press presses

Every step has its narration; the video waits on each step until it has been said.
"""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FOLDER = Path(__file__).parent / "scripts"
USERS = ("admin", "editor", "analyst")
# What a step may do; "say" only speaks, on the screen as it is.
ACTIONS = {
    "say": "nothing",
    "goto": "a path of the app",
    "click": "a selector",
    "fill": "a selector, and the text to type in value",
    "select": "a selector of a <select>, and the option's label in value",
    "check": "a selector of a checkbox or radio button",
    "hover": "a selector",
    "press": "a selector, and a key in value (Enter, Tab…)",
    "upload": "a selector of a file input, and a file under scripts/files/ in value",
    "scroll": "a selector to bring into view",
    "wait": "a selector to wait for",
}
NEEDS_VALUE = {"fill", "select", "press", "upload"}


class ScriptError(ValueError):
    """A script that cannot be followed; the message names the file and the step."""


@dataclass(frozen=True)
class Step:
    number: int  # 1-based, counted across the whole tutorial
    say: str
    action: str = "say"
    target: str = ""
    value: str = ""


@dataclass(frozen=True)
class Chapter:
    number: int
    title: str
    screens: tuple[str, ...]
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Tutorial:
    order: int
    slug: str
    title: str
    summary: str
    user: str
    chapters: tuple[Chapter, ...]

    @property
    def steps(self) -> list[Step]:
        return [step for chapter in self.chapters for step in chapter.steps]

    @property
    def transcript(self) -> str:
        """The whole narration, one paragraph per chapter."""
        return "\n\n".join(
            " ".join(step.say for step in chapter.steps) for chapter in self.chapters
        )


def load(path: Path) -> Tutorial:
    """The tutorial in ``path``; ScriptError says what is wrong with it."""
    order, _, slug = path.stem.partition("-")
    if not order.isdecimal() or not slug:
        raise ScriptError(f"{path.name}: name it NN-slug.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ScriptError(f"{path.name}: {error}") from None
    user = data.get("user", "admin")
    if user not in USERS:
        raise ScriptError(f"{path.name}: user must be one of {', '.join(USERS)}")
    if not data.get("title") or not data.get("chapters"):
        raise ScriptError(f"{path.name}: a title and at least one chapter are needed")
    chapters, number = [], 0
    for index, chapter in enumerate(data["chapters"], start=1):
        steps = []
        for step in chapter.get("steps", []):
            number += 1
            steps.append(_step(path.name, number, step))
        if not chapter.get("title") or not steps:
            raise ScriptError(f"{path.name}: chapter {index} needs a title and steps")
        screens = tuple(chapter.get("screens", ()))
        chapters.append(Chapter(index, chapter["title"], screens, tuple(steps)))
    return Tutorial(
        order=int(order),
        slug=slug,
        title=data["title"],
        summary=data.get("summary", ""),
        user=user,
        chapters=tuple(chapters),
    )


def _step(name: str, number: int, data: dict) -> Step:
    if not set(data) <= {"say", "action", "target", "value"}:
        raise ScriptError(f"{name}: step {number} has keys other than say, action, target, value")
    step = Step(number=number, **data)
    if not step.say.strip():
        raise ScriptError(f"{name}: step {number} has no narration (say)")
    if step.action not in ACTIONS:
        raise ScriptError(f"{name}: step {number}: unknown action {step.action!r}")
    if step.action != "say" and not step.target:
        raise ScriptError(f"{name}: step {number}: {step.action} needs {ACTIONS[step.action]}")
    if step.action in NEEDS_VALUE and not step.value:
        raise ScriptError(f"{name}: step {number}: {step.action} needs {ACTIONS[step.action]}")
    return step


@cache
def all_tutorials() -> tuple[Tutorial, ...]:
    """Every tutorial, in order."""
    return tuple(sorted((load(path) for path in FOLDER.glob("*.toml")), key=lambda t: t.order))


def get(slug: str) -> Tutorial:
    """The tutorial ``slug``; KeyError if there is none."""
    for tutorial in all_tutorials():
        if tutorial.slug == slug:
            return tutorial
    raise KeyError(slug)
