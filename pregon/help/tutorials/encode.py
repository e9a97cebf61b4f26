"""Turn a recording into the videos the training centre plays, with Debian's ffmpeg.

One ffmpeg run decodes the frames once and writes both files, 1280x720 at 25 frames a
second: ``video.webm`` (VP9 + Opus, for Chromium and Firefox) and ``video.mp4`` (H.264 +
AAC, yuv420p, index first so playback starts before the download ends: for Safari and
old browsers). Both carry the same narration track, normalised to -16 LUFS.
"""

import subprocess
import wave
from pathlib import Path

from django.utils.translation import gettext as _

from pregon.help.tutorials.recorder import HEIGHT, WIDTH, Recording
from pregon.help.tutorials.voice import SAMPLE_RATE

FPS = 25
# Screens are still most of the time: a keyframe every 10 s keeps files small and seeking
# (by chapter) quick enough.
KEYFRAMES = ["-g", str(FPS * 10)]
VIDEO = (
    f"scale={WIDTH}:{HEIGHT}:force_original_aspect_ratio=decrease,"
    f"pad={WIDTH}:{HEIGHT}:(ow-iw)/2:(oh-ih)/2:white,fps={FPS},format=yuv420p"
)
AUDIO = f"highpass=f=70,loudnorm=I=-16:TP=-1.5:LRA=11,aresample={SAMPLE_RATE}"
# VP9 in libvpx's realtime mode: ten times faster than "good" on two cores, and the screens
# (text on white, a cursor) lose nothing a viewer would see at this quality.
WEBM = [
    *("-c:v", "libvpx-vp9", "-crf", "30", "-b:v", "0", "-deadline", "realtime", "-cpu-used", "6"),
    *("-row-mt", "1", "-tile-columns", "2", *KEYFRAMES),
    *("-c:a", "libopus", "-b:a", "64k"),
]
MP4 = [
    *("-c:v", "libx264", "-preset", "veryfast", "-crf", "24", "-tune", "stillimage"),
    *("-profile:v", "high", *KEYFRAMES, "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart"),
]


class EncodeError(Exception):
    """ffmpeg could not make a file; the message quotes ffmpeg."""


def audio_track(recording: Recording, path: Path) -> None:
    """Write one WAV track in ``path``: each narration at the time its step started."""
    with wave.open(str(path), "wb") as track:
        track.setnchannels(1)
        track.setsampwidth(2)
        track.setframerate(SAMPLE_RATE)
        written = 0
        for timing in recording.timings:
            track.writeframes(b"\0\0" * max(0, _samples(timing.start) - written))
            written = max(written, _samples(timing.start))
            with wave.open(str(timing.narration.path)) as narration:
                frames = narration.readframes(narration.getnframes())
            track.writeframes(frames)
            written += len(frames) // 2
        track.writeframes(b"\0\0" * max(0, _samples(recording.duration) - written))


def videos(recording: Recording, audio: Path, folder: Path) -> None:
    """Write ``video.webm`` and ``video.mp4`` in ``folder`` from the frames and ``audio``."""
    frames = audio.with_name("frames.txt")
    frames.write_text(_concat_list(recording))
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y"]
    command += ["-f", "concat", "-safe", "0", "-i", str(frames), "-i", str(audio)]
    # Frames and sound are filtered once, then split between the two encoders.
    command += ["-filter_complex", f"[0:v]{VIDEO},split[v1][v2];[1:a]{AUDIO},asplit[a1][a2]"]
    for number, codecs, name in ((1, WEBM, "video.webm"), (2, MP4, "video.mp4")):
        command += ["-map", f"[v{number}]", "-map", f"[a{number}]", *codecs]
        command += ["-t", f"{recording.duration:.3f}", str(folder / name)]
    _run(command)


def poster(video: Path, at: float, path: Path) -> None:
    """Write the frame of ``video`` at ``at`` seconds as a JPEG image in ``path``."""
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-ss", f"{at:.3f}"]
    _run([*command, "-i", str(video), "-frames:v", "1", "-q:v", "3", str(path)])


def _samples(seconds: float) -> int:
    return int(seconds * SAMPLE_RATE)


def _concat_list(recording: Recording) -> str:
    # The concat demuxer shows each image for its "duration"; the last one is listed twice
    # because the demuxer drops the duration of the last entry.
    frames = recording.frames
    lines = []
    for frame, following in zip(frames, [*frames[1:], None], strict=True):
        until = following.at if following else recording.duration
        lines += [f"file '{frame.path}'", f"duration {max(until - frame.at, 0.001):.6f}"]
    lines.append(f"file '{frames[-1].path}'")
    return "\n".join(lines) + "\n"


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
    if result.returncode:
        raise EncodeError(_("ffmpeg failed: %(error)s") % {"error": result.stderr.strip()[-2000:]})
