"""A tutorial's narration, one WAV file per step: a person's recording when there is one,
otherwise Debian's espeak-ng speaking the step's ``say``.

A recording replaces the synthetic voice step by step: ``docs/tutorials/narracion/<slug>/
<NN>.wav`` (NN: the step's number, two digits) is heard instead of espeak-ng for that step.
Every narration is converted to the same format (48 kHz, mono, 16 bits) so the build can
lay them end to end on one track.
"""

import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from pregon.help.tutorials.script import Step, Tutorial

RECORDINGS = Path(settings.BASE_DIR) / "docs" / "tutorials" / "narracion"
SAMPLE_RATE = 48000
# Latin-American Spanish, a little slower and lower than espeak-ng's defaults (175 words a
# minute, pitch 50): public servants follow along while they read the captions, and the
# lower pitch is less shrill. A short gap between words helps the synthetic voice's diction.
ESPEAK = ["espeak-ng", "-v", "es-419", "-s", "150", "-p", "42", "-g", "1", "--stdout"]
SYNTHETIC = "espeak-ng es-419"
RECORDED = "grabación"


class NarrationError(Exception):
    """A step whose narration could not be made; the message names the step."""


@dataclass(frozen=True)
class Narration:
    step: Step
    path: Path  # a WAV file, 48 kHz mono, 16 bits
    duration: float  # seconds
    is_recorded: bool


def narrate(tutorial: Tutorial, folder: Path, recordings: Path = RECORDINGS) -> list[Narration]:
    """Each step's narration, written in ``folder``; raises NarrationError naming the step."""
    narrations = []
    for step in tutorial.steps:
        recording = recordings / tutorial.slug / f"{step.number:02d}.wav"
        path = folder / f"{step.number:02d}.wav"
        if recording.exists():
            _convert(recording, path, step)
        else:
            _speak(step, path)
        with wave.open(str(path)) as audio:
            duration = audio.getnframes() / audio.getframerate()
        narrations.append(Narration(step, path, duration, recording.exists()))
    return narrations


def voice(narrations: list[Narration]) -> str:
    """What spoke ``narrations``, for the manifest: the synthetic voice, a recording or both."""
    kinds = {RECORDED if n.is_recorded else SYNTHETIC for n in narrations}
    return " + ".join(sorted(kinds))


def _speak(step: Step, path: Path) -> None:
    try:
        speech = subprocess.run(  # noqa: S603
            [*ESPEAK, step.say], capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise NarrationError(
            _("Step %(number)d: espeak-ng could not speak its narration (%(error)s).")
            % {"number": step.number, "error": error}
        ) from None
    _ffmpeg(["-f", "wav", "-i", "pipe:0"], path, step, speech)


def _convert(recording: Path, path: Path, step: Step) -> None:
    _ffmpeg(["-i", str(recording)], path, step, b"")


def _ffmpeg(source: list[str], path: Path, step: Step, data: bytes) -> None:
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *source]
    command += ["-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "pcm_s16le", str(path)]
    try:
        subprocess.run(command, input=data, capture_output=True, check=True)  # noqa: S603
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or str(error).encode()
        raise NarrationError(
            _("Step %(number)d: its narration could not be converted to WAV (%(error)s).")
            % {"number": step.number, "error": detail.decode(errors="replace").strip()}
        ) from None
