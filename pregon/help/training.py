"""The training centre: the tutorials, built or not, and who watched what."""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from pregon.accounts.models import User
from pregon.help import manual
from pregon.help.models import WatchedTutorial
from pregon.help.tutorials import manifest, script

log = logging.getLogger(__name__)

# What the IT office runs on the server to build the videos (part of what the screens say).
BUILD_COMMAND = "make tutorials"
# Characters of narration shown either side of a search hit.
SNIPPET_WIDTH = 90
# Characters of a search that count; more is no question a person asks.
QUERY_LENGTH = 200


@dataclass(frozen=True)
class Entry:
    """A tutorial as the training centre shows it."""

    tutorial: script.Tutorial
    built: manifest.Manifest | None  # None until the IT office builds its video
    is_watched: bool

    @property
    def duration(self) -> str:
        """The video's length as "m:ss", or "" when it is not built."""
        if self.built is None:
            return ""
        minutes, seconds = divmod(round(self.built.duration), 60)
        return f"{minutes}:{seconds:02d}"

    @property
    def built_at(self) -> datetime | None:
        """When the video was built (aware, UTC), or None when it is not built."""
        return datetime.fromisoformat(self.built.built_at) if self.built else None

    @property
    def is_stale(self) -> bool:
        """True when the video was built from an older script: its narration differs."""
        if self.built is None:
            return False
        said = [step.say for step in self.tutorial.steps]
        return [cue.text for cue in self.built.captions] != said

    @property
    def chapters(self) -> list[tuple[script.Chapter, float | None]]:
        """Each chapter with the second its video starts at; None when it is not built, or
        was built when the tutorial had other chapters."""
        starts = [cue.start for cue in self.built.chapters] if self.built else []
        if len(starts) != len(self.tutorial.chapters):
            starts = [None] * len(self.tutorial.chapters)
        return list(zip(self.tutorial.chapters, starts, strict=True))


@dataclass(frozen=True)
class Hit:
    """A tutorial that matches a search, the chapter where it first does and its words."""

    entry: Entry
    chapter: script.Chapter
    snippet: str

    @property
    def url(self) -> str:
        return chapter_url(self.entry.tutorial, self.chapter)


def catalog(user: User) -> list[Entry]:
    """Every scripted tutorial, in order, with its build and whether ``user`` watched it."""
    watched = watched_slugs(user)
    return [_entry(tutorial, watched) for tutorial in script.all_tutorials()]


def entry(user: User, slug: str) -> Entry:
    """The tutorial ``slug`` for ``user``; KeyError if there is none."""
    return _entry(script.get(slug), watched_slugs(user))


def _entry(tutorial: script.Tutorial, watched: set[str]) -> Entry:
    return Entry(tutorial, manifest.read(tutorial.slug), tutorial.slug in watched)


def chapter_url(tutorial: script.Tutorial, chapter: script.Chapter) -> str:
    """The tutorial's page at ``chapter``: its video starts there, its transcript shows it."""
    return reverse("help:training_tutorial", args=[tutorial.slug]) + f"#capitulo-{chapter.number}"


def chapter_for(view_name: str) -> tuple[str, str] | None:
    """The tutorial chapter about the screen ``view_name``, as (title, URL).

    Every screen's "?" asks, so a script someone broke on the server costs the link, not
    the screen: the error is logged (the training centre's own pages fail on it).
    """
    try:
        tutorials = script.all_tutorials()
    except script.ScriptError:
        log.exception("A tutorial script cannot be read")
        return None
    for tutorial in tutorials:
        for chapter in tutorial.chapters:
            if view_name in chapter.screens:
                return f"{tutorial.title} \u203a {chapter.title}", chapter_url(tutorial, chapter)
    return None


def search(entries: list[Entry], query: str) -> list[Hit]:
    """The ``entries`` whose title, summary, chapter titles or narration hold every word of
    ``query``, whatever its accents and case, in their order."""
    words = manual.fold(query[:QUERY_LENGTH])[0].split()
    if not words:
        return []
    hits = []
    for found in entries:
        tutorial = found.tutorial
        texts = [tutorial.title, tutorial.summary, tutorial.transcript]
        everything = manual.fold(" ".join(texts + [c.title for c in tutorial.chapters]))[0]
        if all(word in everything for word in words):
            chapter, snippet = _first_mention(tutorial, words)
            hits.append(Hit(found, chapter, snippet))
    return hits


def _first_mention(tutorial: script.Tutorial, words: list[str]) -> tuple[script.Chapter, str]:
    """The chapter that first mentions a word of the search, and the narration around it;
    the first chapter and the summary if only the titles do."""
    for chapter in tutorial.chapters:
        if any(word in manual.fold(chapter.title)[0] for word in words):
            return chapter, _around(" ".join(step.say for step in chapter.steps), 0)
        for step in chapter.steps:
            folded, where = manual.fold(step.say)
            for word in words:
                if word in folded:
                    return chapter, _around(step.say, where[folded.index(word)])
    return tutorial.chapters[0], tutorial.summary


def _around(text: str, position: int) -> str:
    start, end = max(0, position - SNIPPET_WIDTH), position + SNIPPET_WIDTH
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def watched_slugs(user: User) -> set[str]:
    """The slugs of the tutorials ``user`` watched."""
    return set(WatchedTutorial.objects.filter(user=user).values_list("slug", flat=True))


def mark_watched(user: User, slug: str) -> None:
    """Remember that ``user`` watched the tutorial ``slug`` (again: the first time stays)."""
    WatchedTutorial.objects.get_or_create(user=user, slug=slug)
