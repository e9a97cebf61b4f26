"""`pregon tutorials` builds a tutorial end to end from its script: a real demo instance,
Debian's Chromium, espeak-ng and ffmpeg. The video is checked as a viewer would find it:
sound, a length that fits the narration, captions in step with it, frames that show
something and change; and a script that no longer matches the screens fails naming its step,
leaving the previous build in place."""

import io
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, override_settings
from PIL import Image, ImageChops, ImageStat

from pregon.help.tutorials import manifest, script, voice

SAMPLE = Path(__file__).parent / "tutorial_sample"
CUE = re.compile(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)\n(.+)")
# What a video may add to its narration: a lead-in, a pause after each step, typing and page
# loads that outlast a narration, and a tail.
SLACK_PER_STEP = 4.0
FFMPEG, FFPROBE = "/usr/bin/ffmpeg", "/usr/bin/ffprobe"


def cues(path: Path) -> list[tuple[float, float, str]]:
    """The cues of a WebVTT file: (start, end, text)."""
    text = path.read_text()
    assert text.startswith("WEBVTT\n")
    found = []
    for match in CUE.finditer(text):
        h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(n) for n in match.groups()[:8])
        start = h1 * 3600 + m1 * 60 + s1 + ms1 / 1000
        end = h2 * 3600 + m2 * 60 + s2 + ms2 / 1000
        found.append((start, end, match.group(9)))
    return found


def run(*command: str | Path) -> subprocess.CompletedProcess:
    """Run Debian's ffmpeg or ffprobe; what it wrote."""
    return subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603


def probe(path: Path) -> dict:
    return json.loads(
        run(FFPROBE, "-v", "error", "-show_streams", "-show_format", "-of", "json", path).stdout
    )


def frame(video: Path, at: float, folder: Path) -> Image.Image:
    path = folder / f"{video.stem}-{at:.1f}.png"
    run(FFMPEG, "-v", "error", "-y", "-ss", str(at), "-i", video, "-frames:v", "1", path)
    return Image.open(path).convert("L")


def loudest(video: Path) -> float:
    """The peak level of ``video``'s sound, in dB (-91 is silence)."""
    output = run(FFMPEG, "-i", video, "-af", "volumedetect", "-f", "null", "-").stderr
    return float(re.search(r"max_volume: (-?[\d.]+) dB", output).group(1))


class TutorialScriptErrorsTestCase(SimpleTestCase):
    def setUp(self) -> None:
        self.scripts = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.scripts)

    def test_a_step_with_an_unknown_action_is_named_before_anything_starts(self) -> None:
        text = (SAMPLE / "01-muestra.toml").read_text().replace('"goto"', '"teleport"')
        (self.scripts / "01-muestra.toml").write_text(text)
        with self.assertRaisesMessage(CommandError, "step 3: unknown action 'teleport'"):
            call_command("tutorials", "--scripts", self.scripts, stdout=io.StringIO())

    def test_an_unknown_tutorial_is_named(self) -> None:
        shutil.copy(SAMPLE / "01-muestra.toml", self.scripts)
        with self.assertRaisesMessage(CommandError, "otro"):
            call_command("tutorials", "otro", "--scripts", self.scripts, stdout=io.StringIO())


@pytest.mark.browser
class TutorialBuildTestCase(SimpleTestCase):
    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder)
        settings = override_settings(VAR_DIR=self.folder / "var")
        settings.enable()
        self.addCleanup(settings.disable)
        self.tutorial = script.load(SAMPLE / "01-muestra.toml")
        # A person recorded step 1: two seconds of a tone stand in for their voice.
        self.recordings = self.folder / "narracion"
        (self.recordings / "muestra").mkdir(parents=True)
        tone = self.recordings / "muestra" / "01.wav"
        run(FFMPEG, "-v", "error", "-f", "lavfi", "-i", "sine=frequency=220:duration=2", tone)

    def build(self, scripts: Path) -> tuple[int, str]:
        """The command's exit status and what it wrote on stderr."""
        err = io.StringIO()
        args = ["--scripts", scripts, "--recordings", self.recordings]
        try:
            call_command("tutorials", *args, stdout=io.StringIO(), stderr=err)
        except SystemExit as exit:
            return exit.code, err.getvalue()
        return 0, err.getvalue()

    def test_it_builds_a_narrated_video_then_keeps_it_when_a_step_fails(self) -> None:
        self.assertEqual(self.build(SAMPLE), (0, ""))

        built = manifest.folder("muestra")
        self.assertTrue(all((built / name).exists() for name in manifest.FILES))
        scratch = Path(tempfile.mkdtemp(dir=self.folder))
        narrations = voice.narrate(self.tutorial, scratch, self.recordings)
        spoken = sum(narration.duration for narration in narrations)
        for video in (built / "video.webm", built / "video.mp4"):
            streams = {s["codec_type"]: s for s in probe(video)["streams"]}
            self.assertEqual((streams["video"]["width"], streams["video"]["height"]), (1280, 720))
            self.assertIn("audio", streams)
            self.assertGreater(loudest(video), -30)
            duration = float(probe(video)["format"]["duration"])
            self.assertGreater(duration, spoken)
            self.assertLess(duration, spoken + SLACK_PER_STEP * len(narrations))
        codecs = {s["codec_name"] for s in probe(built / "video.mp4")["streams"]}
        self.assertEqual(codecs, {"h264", "aac"})
        codecs = {s["codec_name"] for s in probe(built / "video.webm")["streams"]}
        self.assertEqual(codecs, {"vp9", "opus"})

        captions = cues(built / "captions.vtt")
        self.assertEqual([text for _, _, text in captions], [n.step.say for n in narrations])
        for (start, end, _), narration in zip(captions, narrations, strict=True):
            self.assertAlmostEqual(end - start, narration.duration, delta=0.05)
        self.assertAlmostEqual(captions[0][1] - captions[0][0], 2.0, delta=0.05)
        starts = [start for start, _, _ in captions]
        self.assertEqual(starts, sorted(starts))
        self.assertLessEqual(captions[-1][1], duration)
        chapters = cues(built / "chapters.vtt")
        self.assertEqual([text for _, _, text in chapters], ["El inicio", "Un contacto nuevo"])
        self.assertEqual(chapters[1][0], captions[2][0])

        shots = [frame(built / "video.mp4", duration * f, self.folder) for f in (0.1, 0.5, 0.9)]
        for shot in shots:
            self.assertGreater(ImageStat.Stat(shot).stddev[0], 10)
        self.assertIsNotNone(ImageChops.difference(shots[0], shots[2]).getbbox())

        read = manifest.read("muestra")
        self.assertEqual(read.voice, "espeak-ng es-419 + grabación")
        self.assertEqual(read.title, "Muestra")

        # The screens changed under the script: the build fails on that step, and the
        # video built before is still there.
        broken = Path(tempfile.mkdtemp(dir=self.folder))
        text = (SAMPLE / "01-muestra.toml").read_text().replace("#id_email", "#id_correo")
        (broken / "01-muestra.toml").write_text(text)
        status, err = self.build(broken)
        self.assertEqual(status, 1)
        self.assertIn("Tutorial «muestra»", err)
        self.assertIn("El paso 4 (fill «#id_correo») falló", err)
        self.assertIn('waiting for locator("#id_correo")', err)
        self.assertEqual(manifest.read("muestra"), read)
        self.assertTrue(all((built / name).exists() for name in manifest.FILES))
        self.assertEqual([p.name for p in manifest.root().iterdir()], ["muestra"])
