"""What a tutorial's build leaves beside its video, for the training centre to read.

A build writes, in ``folder(slug)``: ``video.webm`` (VP9/Opus), ``video.mp4`` (H.264/AAC),
``captions.vtt``, ``chapters.vtt``, ``poster.jpg`` and ``manifest.json``, all in a hidden
folder swapped in whole: a tutorial is built when its manifest exists.
"""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

FILES = ("video.webm", "video.mp4", "captions.vtt", "chapters.vtt", "poster.jpg")


@dataclass(frozen=True)
class Cue:
    start: float  # seconds from the start of the video
    end: float
    text: str


@dataclass(frozen=True)
class Manifest:
    slug: str
    title: str
    duration: float  # seconds
    voice: str  # what spoke the narration: "espeak-ng es-419", "grabación"…
    built_at: str  # ISO 8601, UTC
    chapters: list[Cue]  # a cue per chapter, its text the chapter's title
    captions: list[Cue]  # a cue per step, its text the narration


def root() -> Path:
    return settings.VAR_DIR / "tutorials"


def folder(slug: str) -> Path:
    return root() / slug


def write(manifest: Manifest, into: Path | None = None) -> Path:
    """Write ``manifest`` into ``into`` (its tutorial's folder by default), atomically, and
    return its path."""
    path = (into or folder(manifest.slug)) / "manifest.json"
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=1))
    partial.replace(path)
    return path


def read(slug: str) -> Manifest | None:
    """The manifest of the built tutorial ``slug``, or None if it was never built."""
    try:
        data = json.loads((folder(slug) / "manifest.json").read_text())
    except (FileNotFoundError, ValueError):
        return None
    chapters = [Cue(**cue) for cue in data.pop("chapters")]
    captions = [Cue(**cue) for cue in data.pop("captions")]
    return Manifest(chapters=chapters, captions=captions, **data)
