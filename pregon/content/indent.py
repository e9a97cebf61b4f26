"""Lay MJML out one element per line, as people write it.

The visual editor hands back its MJML on one line; saved as it comes, the code editor would
show one endless line and every error would be on line 1. Only the layout elements are
moved: the content of text-like elements (``mj-text``, ``mj-button``…) is kept as it was.
"""

import re

TAG = re.compile(r"<(/?)(mjml|mj-[\w-]+)\b[^>]*>", re.IGNORECASE)
# Elements whose content is HTML or text, which any change of whitespace could alter.
LEAVES = {
    "mj-text",
    "mj-button",
    "mj-raw",
    "mj-table",
    "mj-style",
    "mj-title",
    "mj-preview",
    "mj-navbar-link",
    "mj-social-element",
    "mj-accordion-title",
    "mj-accordion-text",
}


def indent_mjml(source: str) -> str:
    """``source`` with each layout element on a line of its own, indented two spaces a level."""
    lines: list[str] = []
    depth, position, leaf, empty = 0, 0, None, None
    for match in TAG.finditer(source):
        closing, name = match.group(1) == "/", match.group(2).lower()
        if leaf:
            if closing and name == leaf:
                lines[-1] += source[position : match.end()]
                position, leaf = match.end(), None
            continue
        text = source[position : match.start()].strip()
        if text:
            lines.append("  " * depth + text)
        if closing:
            depth = max(depth - 1, 0)
        if closing and name == empty and not text:
            lines[-1] += match.group(0)  # <mj-image …></mj-image> stays on one line.
        else:
            lines.append("  " * depth + match.group(0))
        empty = None
        if not closing and not match.group(0).endswith("/>"):
            if name in LEAVES:
                leaf = name
            else:
                depth, empty = depth + 1, name
        position = match.end()
    if rest := source[position:].strip():
        lines.append(rest)
    return "\n".join(lines) + "\n"
