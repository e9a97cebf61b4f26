"""Tutorials for the training centre's tests: two scripts of our own in a temporary folder,
and a real build of the first (ffmpeg's videos, WebVTT files, its manifest), so that the
tests never depend on the real scripts' wording nor on a build of them."""

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from django.test import override_settings

from pregon.help.tutorials import manifest, script
from pregon.testing import BaseTestCase

FFMPEG = "/usr/bin/ffmpeg"  # Debian's
BUILT = "primeros-pasos"
NOT_BUILT = "campanas"
SCRIPTS = {
    f"01-{BUILT}.toml": """
title = "Primeros pasos"
summary = "Entrar a Pregón y leer el tablero de inicio."
user = "editor"

[[chapters]]
title = "El tablero"
screens = ["home"]

[[chapters.steps]]
say = "Este es el tablero de inicio."

[[chapters.steps]]
say = "Arriba están los menús de cada tarea."

[[chapters]]
title = "Sus contactos"
screens = ["contacts:list", "contacts:segments"]

[[chapters.steps]]
say = "Abra Contactos para ver a las personas que reciben sus correos."
action = "goto"
target = "/contactos/"

[[chapters.steps]]
say = "Puede buscar por nombre, correo o región, como Junín."
""",
    f"02-{NOT_BUILT}.toml": """
title = "Campañas"
summary = "Preparar una campaña, enviarse una prueba y programarla."

[[chapters]]
title = "Una campaña nueva"

[[chapters.steps]]
say = "Escriba el asunto de la campaña. Envíese una prueba antes de programarla."
""",
}
# The built video: four seconds, a second per step, a chapter every two.
CAPTIONS = [
    manifest.Cue(0.0, 1.0, "Este es el tablero de inicio."),
    manifest.Cue(1.0, 2.0, "Arriba están los menús de cada tarea."),
    manifest.Cue(2.0, 3.0, "Abra Contactos para ver a las personas que reciben sus correos."),
    manifest.Cue(3.0, 4.0, "Puede buscar por nombre, correo o región, como Junín."),
]
# Late on the 5th in Lima: the 6th in UTC.
BUILT_AT = "2026-12-06T03:30:00+00:00"
CHAPTERS = [manifest.Cue(0.0, 2.0, "El tablero"), manifest.Cue(2.0, 4.0, "Sus contactos")]


@contextmanager
def tutorial_scripts() -> Iterator[Path]:
    """The scripts above in place of the real ones, for as long as the block lasts."""
    with tempfile.TemporaryDirectory() as folder:
        for name, text in SCRIPTS.items():
            (Path(folder) / name).write_text(text, encoding="utf-8")
        script.all_tutorials.cache_clear()
        try:
            with mock.patch.object(script, "FOLDER", Path(folder)):
                yield Path(folder)
        finally:
            script.all_tutorials.cache_clear()


class TrainingTestCase(BaseTestCase):
    """BaseTestCase with the two tutorials above, the first built once for the class."""

    var_dir: Path
    scripts: Path

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.var_dir = Path(cls.enterClassContext(tempfile.TemporaryDirectory()))
        build(cls.var_dir)

    def setUp(self) -> None:
        super().setUp()
        self.scripts = self.enterContext(tutorial_scripts())
        self.enterContext(override_settings(VAR_DIR=self.var_dir))


def build(var_dir: Path, picture: Path | None = None) -> None:
    """Build the first tutorial into ``var_dir`` as the real build lays it out: its video
    shows ``picture`` (a PNG) or ffmpeg's test pattern, with a tone for its narration."""
    if not Path(FFMPEG).exists():
        raise RuntimeError("ffmpeg is needed: apt-get install ffmpeg")
    folder = var_dir / "tutorials" / BUILT
    folder.mkdir(parents=True, exist_ok=True)
    if picture is None:
        source = ["-f", "lavfi", "-i", "testsrc=size=1280x720:rate=10"]
    else:
        source = ["-loop", "1", "-framerate", "10", "-i", str(picture)]
    tone = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
    frame = ["-vf", "scale=1280:720,format=yuv420p", "-t", "4"]
    encodings = {
        "video.webm": "-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -c:a libopus".split(),
        "video.mp4": "-c:v libx264 -preset ultrafast -c:a aac -movflags +faststart".split(),
    }
    for name, codecs in encodings.items():
        _ffmpeg([*source, *tone, *frame, *codecs, str(folder / name)])
    _ffmpeg([*source, "-vf", "scale=1280:720", "-frames:v", "1", str(folder / "poster.jpg")])
    (folder / "captions.vtt").write_text(_vtt(CAPTIONS), encoding="utf-8")
    (folder / "chapters.vtt").write_text(_vtt(CHAPTERS), encoding="utf-8")
    with override_settings(VAR_DIR=var_dir):
        manifest.write(
            manifest.Manifest(
                slug=BUILT,
                title="Primeros pasos",
                duration=4.0,
                voice="espeak-ng es-419",
                built_at=BUILT_AT,
                chapters=CHAPTERS,
                captions=CAPTIONS,
            )
        )


def _ffmpeg(arguments: list[str]) -> None:
    subprocess.run(  # noqa: S603 (our own arguments)
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-y", *arguments],
        check=True,
        stdin=subprocess.DEVNULL,
    )


def _vtt(cues: list[manifest.Cue]) -> str:
    def stamp(seconds: float) -> str:
        minutes, rest = divmod(seconds, 60)
        return f"00:{int(minutes):02d}:{rest:06.3f}"

    blocks = [f"{stamp(cue.start)} --> {stamp(cue.end)}\n{cue.text}" for cue in cues]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"
