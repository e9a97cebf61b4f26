"""The address patterns that say on which classroom pages a pop-up shows.

One pattern a line. A pattern that starts with "/" is matched against the page's path and
query (``/course/view.php?id=*``); one that starts with ``http://`` or ``https://``, against
the whole address. ``*`` stands for any run of characters; everything else is literal, and
the whole address must match (the embed script applies them; see the contract).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_PATTERNS = 50
MAX_LENGTH = 300
# Whitespace and control characters: a browser never sends them in an address unescaped.
UNSEEABLE = re.compile(r"[\s\x00-\x1f\x7f]")
ORIGIN = re.compile(r"^(https?://[^/*]+)(/.*)?$")


def parse_patterns(text: str | list[str]) -> list[str]:
    """The patterns in ``text`` (one a line, blank lines skipped), or a list of them.

    Raises ValidationError with one plain message per faulty line.
    """
    lines = text if isinstance(text, list) else str(text).splitlines()
    patterns = [str(line).strip() for line in lines if str(line).strip()]
    if len(patterns) > MAX_PATTERNS:
        raise ValidationError(
            _("Write %(max)s addresses at most; there are %(count)s.")
            % {"max": MAX_PATTERNS, "count": len(patterns)}
        )
    problems = [
        _("Line %(line)s (“%(pattern)s”): %(problem)s")
        % {"line": number, "pattern": pattern[:60], "problem": problem}
        for number, pattern in enumerate(patterns, start=1)
        if (problem := _problem(pattern))
    ]
    if problems:
        raise ValidationError(problems)
    return patterns


def _problem(pattern: str) -> str:
    if len(pattern) > MAX_LENGTH:
        return _("it is longer than %(max)s characters.") % {"max": MAX_LENGTH}
    if UNSEEABLE.search(pattern):
        return _("it has a space or an invisible character; addresses have none.")
    if pattern.startswith("/"):
        return ""
    if pattern.lower().startswith(("http://", "https://")):
        if len(pattern.split("://", 1)[1]) == 0:
            return _("a site's address follows http:// or https://.")
        return ""
    return _(
        "start it with “/” for a page of the classroom (/course/view.php?id=*) or with "
        "https:// for a whole address."
    )


def may_meet(first: str, second: str) -> bool:
    """Whether some address could match both patterns.

    A path pattern ("/…") is compared with the path of a whole-address pattern; an address
    pattern whose site part has a ``*`` may be on any site, so it is taken to meet any path.
    """
    if first.startswith("/") != second.startswith("/"):
        whole = second if first.startswith("/") else first
        match = ORIGIN.match(whole)
        if match is None:
            return True
        whole_path = match.group(2) or "/"
        return _globs_meet(first if first.startswith("/") else second, whole_path)
    return _globs_meet(first, second)


def _globs_meet(first: str, second: str) -> bool:
    """Whether two globs whose only wildcard is ``*`` share a matching string: a walk over
    pairs of positions, in which a star may stand for nothing or eat the other's next
    character (or the other's star)."""
    seen: set[tuple[int, int]] = set()
    pending = [(0, 0)]
    while pending:
        i, j = pending.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == len(first) and j == len(second):
            return True
        a = first[i] if i < len(first) else None
        b = second[j] if j < len(second) else None
        if a == "*":
            pending.append((i + 1, j))
            if b is not None:
                pending.append((i, j + 1))
        if b == "*":
            pending.append((i, j + 1))
            if a is not None:
                pending.append((i + 1, j))
        if a is not None and b is not None and a != "*" and b != "*" and a == b:
            pending.append((i + 1, j + 1))
    return False
