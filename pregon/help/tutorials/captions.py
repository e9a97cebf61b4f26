"""A tutorial's WebVTT tracks: captions (a cue per step, while its narration is heard) and
chapters (a cue per chapter, from its first step to the next chapter's)."""

from pregon.help.tutorials.manifest import Cue
from pregon.help.tutorials.recorder import Timing
from pregon.help.tutorials.script import Tutorial


def step_cues(timings: list[Timing]) -> list[Cue]:
    """A cue per step: its narration, from when it starts to when it has been said."""
    return [Cue(round(t.start, 3), round(t.end, 3), t.narration.step.say) for t in timings]


def chapter_cues(tutorial: Tutorial, timings: list[Timing], duration: float) -> list[Cue]:
    """A cue per chapter, titled as the chapter, until the next chapter starts."""
    starts = {t.narration.step.number: t.start for t in timings}
    begins = [starts[chapter.steps[0].number] for chapter in tutorial.chapters]
    # The first chapter starts the video, before its first step's narration.
    begins[0] = 0.0
    ends = [*begins[1:], duration]
    return [
        Cue(round(start, 3), round(end, 3), chapter.title)
        for chapter, start, end in zip(tutorial.chapters, begins, ends, strict=True)
    ]


def webvtt(cues: list[Cue]) -> str:
    """``cues`` as a WebVTT file."""
    blocks = ["WEBVTT"]
    for number, cue in enumerate(cues, start=1):
        blocks.append(f"{number}\n{_time(cue.start)} --> {_time(cue.end)}\n{_text(cue.text)}")
    return "\n\n".join(blocks) + "\n"


def _time(seconds: float) -> str:
    milliseconds = round(seconds * 1000)
    hours, milliseconds = divmod(milliseconds, 3_600_000)
    minutes, milliseconds = divmod(milliseconds, 60_000)
    seconds, milliseconds = divmod(milliseconds, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{milliseconds:03d}"


def _text(text: str) -> str:
    # A cue's text is HTML-like: "<" and "&" would start tags and entities; a blank line
    # would end the cue; "-->" would read as timings.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.split())
