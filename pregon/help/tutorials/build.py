"""Build tutorials' videos from their scripts: narrate, record in a demo instance, encode.

Each tutorial is built in a hidden folder beside its final one and swapped in only when
every file is there, then its manifest is written: a failed build leaves the previous one
as it was. A failure names the tutorial and, for a step, its number and what was missing.
"""

import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from django.utils.translation import gettext as _

from pregon.help.tutorials import captions, encode, instance, manifest, recorder, voice
from pregon.help.tutorials.script import Tutorial


class BuildError(Exception):
    """A tutorial that could not be built; the message names it and says why."""


# What can go wrong in a build, each saying what and where.
FAILURES = (
    voice.NarrationError,
    instance.InstanceError,
    recorder.StepError,
    encode.EncodeError,
)


def build_all(
    tutorials: Iterable[Tutorial], say: Callable[[str], None], recordings: Path = voice.RECORDINGS
) -> list[str]:
    """Build ``tutorials`` in one demo instance, saying progress with ``say``, with the
    recorded narrations found in ``recordings``; the failures."""
    failures = []
    with tempfile.TemporaryDirectory(prefix="pregon-tutorials-") as scratch:
        say(_("Preparing a demo instance…"))
        try:
            pristine = instance.prepare(Path(scratch) / "pristine")
        except instance.InstanceError as error:
            return [str(error)]
        for tutorial in tutorials:
            say(_("Building “%(slug)s”…") % {"slug": tutorial.slug})
            began = time.monotonic()
            try:
                built = build(tutorial, pristine, Path(scratch) / tutorial.slug, recordings)
            except BuildError as error:
                failures.append(str(error))
                say(str(error))
            else:
                say(
                    _("Built “%(slug)s” in %(took)d s: %(seconds)d s of video in %(folder)s")
                    % {
                        "slug": built.slug,
                        "took": time.monotonic() - began,
                        "seconds": built.duration,
                        "folder": manifest.folder(built.slug),
                    }
                )
    return failures


def build(
    tutorial: Tutorial, pristine: Path, scratch: Path, recordings: Path = voice.RECORDINGS
) -> manifest.Manifest:
    """Build ``tutorial`` on a copy of the demo instance ``pristine``, using ``scratch`` for
    its work files and the narrations recorded in ``recordings``; its manifest, or BuildError."""
    for name in ("voice", "frames"):
        (scratch / name).mkdir(parents=True)
    with _hidden_folder(tutorial.slug) as output:
        try:
            narrations = voice.narrate(tutorial, scratch / "voice", recordings)
            with instance.serve(pristine, scratch / "var") as base_url:
                recording = recorder.record(tutorial, narrations, base_url, scratch / "frames")
            _write(tutorial, recording, scratch, output)
        except FAILURES as error:
            raise BuildError(
                _("Tutorial “%(slug)s” (%(title)s): %(error)s")
                % {"slug": tutorial.slug, "title": tutorial.title, "error": error}
            ) from None
        built = manifest.Manifest(
            slug=tutorial.slug,
            title=tutorial.title,
            duration=round(recording.duration, 3),
            voice=voice.voice(narrations),
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            chapters=captions.chapter_cues(tutorial, recording.timings, recording.duration),
            captions=captions.step_cues(recording.timings),
        )
        # The manifest goes in with the files: the swap is the one moment a build changes.
        manifest.write(built, output)
        _swap(output, manifest.folder(tutorial.slug))
    return built


def _write(tutorial: Tutorial, recording: recorder.Recording, scratch: Path, output: Path) -> None:
    track = scratch / "narration.wav"
    encode.audio_track(recording, track)
    encode.videos(recording, track, output)
    (output / "captions.vtt").write_text(captions.webvtt(captions.step_cues(recording.timings)))
    chapters = captions.chapter_cues(tutorial, recording.timings, recording.duration)
    (output / "chapters.vtt").write_text(captions.webvtt(chapters))
    # The poster: the screen once the first step is done, as the tutorial starts to show it.
    at = min(recording.timings[0].end, recording.duration - 0.5)
    encode.poster(output / "video.mp4", at, output / "poster.jpg")


@contextmanager
def _hidden_folder(slug: str) -> Iterator[Path]:
    """A new hidden folder beside the tutorial's, gone unless it was swapped in."""
    manifest.root().mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{slug}-", dir=manifest.root()))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _swap(new: Path, folder: Path) -> None:
    old = folder.with_name(f".{folder.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    new.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
