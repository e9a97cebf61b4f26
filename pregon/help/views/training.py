"""The training centre (Help > Training): the tutorials, each with its video and
transcript, "watched" marks, and the videos' files."""

import re
from collections.abc import Iterator
from pathlib import Path

from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.help import training
from pregon.help.tutorials import manifest

CONTENT_TYPES = {
    "video.webm": "video/webm",
    "video.mp4": "video/mp4",
    "captions.vtt": "text/vtt; charset=utf-8",
    "chapters.vtt": "text/vtt; charset=utf-8",
    "poster.jpg": "image/jpeg",
}
# One range of bytes, as browsers ask for when they seek a video: "bytes=500-", "bytes=0-99"
# or the last 100 bytes, "bytes=-100". A list of ranges gets the whole file, as RFC 9110 allows.
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024
# The player's playback speeds, as its buttons write them.
SPEEDS = ("0.75", "1", "1.25", "1.5", "2")


@authorize(Role.ANALYST)
def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    entries = training.catalog(request.user)
    context = {
        "entries": entries,
        "not_built": sum(1 for entry in entries if entry.built is None),
        "watched": sum(1 for entry in entries if entry.is_watched),
        "query": query,
        "hits": training.search(entries, query) if query else None,
        "build_command": training.BUILD_COMMAND,
    }
    return render(request, "help/training.html", context)


@authorize(Role.ANALYST)
def tutorial(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        entry = training.entry(request.user, slug)
    except KeyError:
        raise Http404 from None
    context = {
        "entry": entry,
        "speeds": SPEEDS,
        "build_command": training.BUILD_COMMAND,
    }
    return render(request, "help/training_tutorial.html", context)


@require_POST
@authorize(Role.ANALYST)
def mark_watched(request: HttpRequest, slug: str) -> HttpResponse:
    """Mark a tutorial watched: by hand (a form; back to its page) or when its video ends
    (training.js; an empty answer)."""
    try:
        entry = training.entry(request.user, slug)
    except KeyError:
        raise Http404 from None
    training.mark_watched(request.user, slug)
    if "application/json" in request.headers.get("Accept", ""):
        return HttpResponse(status=204)
    title = entry.tutorial.title
    messages.success(request, _("“%(title)s” is marked as watched.") % {"title": title})
    return redirect("help:training_tutorial", slug=slug)


@require_safe
@authorize(Role.ANALYST)
def media(request: HttpRequest, slug: str, name: str) -> HttpResponseBase:
    """A file of a built tutorial: only the names a build writes, so no path can escape its
    folder; a single byte range when asked for (206), so that the browser can seek."""
    if name not in manifest.FILES or manifest.read(slug) is None:
        raise Http404
    path = manifest.folder(slug) / name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise Http404 from None
    wanted = RANGE.match(request.headers.get("Range", ""))
    if wanted is None:
        response: HttpResponseBase = FileResponse(path.open("rb"), content_type=CONTENT_TYPES[name])
    else:
        first, last = _bounds(*wanted.groups(), size)
        if first > last:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        response = StreamingHttpResponse(
            _read(path, first, last), status=206, content_type=CONTENT_TYPES[name]
        )
        response["Content-Length"] = str(last - first + 1)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    # The page asks for each file with the build's date in its URL, so a rebuilt video gets a
    # new URL and the browser may keep this one.
    response["Cache-Control"] = "private, max-age=86400"
    return response


def _bounds(start: str, end: str, size: int) -> tuple[int, int]:
    """The first and last byte of a range; first > last when it cannot be satisfied."""
    if not start:
        return max(0, size - int(end or 0)), size - 1
    return int(start), min(int(end) if end else size - 1, size - 1)


def _read(path: Path, first: int, last: int) -> Iterator[bytes]:
    with path.open("rb") as file:
        file.seek(first)
        left = last - first + 1
        while left > 0:
            chunk = file.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
