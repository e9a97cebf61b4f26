"""Write the defaults of ``<mj-attributes>`` onto each element they apply to.

The visual editor's MJML plugin shows each element with its own attributes only: it ignores
``<mj-attributes>`` and ``mj-class`` (GrapesJS/mjml issues 269, 356 and 388), so a gallery
design would look plain there while the sent message looks right. With the defaults written
onto the elements, both look the same, and the editor's panels show the real values.
"""

import re

ATTRIBUTES_BLOCK = re.compile(r"[ \t]*<mj-attributes>(.*?)</mj-attributes>\s*", re.DOTALL)
TAG = re.compile(r"<(mj-[\w-]+)((?:\s+[\w-]+=\"[^\"]*\")*)\s*(/?)>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


def inline_attributes(source: str) -> str:
    """``source`` without ``<mj-attributes>``, its defaults written on the body's elements.

    MJML's order of precedence is kept: an element's own attribute, then its ``mj-class``
    (the first class named first), then the defaults of its tag, then ``mj-all``.
    """
    block = ATTRIBUTES_BLOCK.search(source)
    body_at = source.find("<mj-body")
    if block is None or body_at < block.end():
        return source
    everything: dict[str, str] = {}
    by_tag: dict[str, dict[str, str]] = {}
    classes: dict[str, dict[str, str]] = {}
    for tag in TAG.finditer(block.group(1)):
        name, attributes = tag.group(1), dict(ATTRIBUTE.findall(tag.group(2)))
        if name == "mj-all":
            everything.update(attributes)
        elif name == "mj-class":
            classes[attributes.pop("name", "")] = attributes
        else:
            by_tag.setdefault(name, {}).update(attributes)

    def expand(tag: re.Match) -> str:
        name, own = tag.group(1), dict(ATTRIBUTE.findall(tag.group(2)))
        merged = {**everything, **by_tag.get(name, {})}
        # With several classes, the first one named wins, as mjml-python compiles them.
        for class_name in reversed(own.pop("mj-class", "").split()):
            merged.update(classes.get(class_name, {}))
        merged.update(own)
        attributes = "".join(f' {key}="{value}"' for key, value in merged.items())
        return f"<{name}{attributes}{' /' if tag.group(3) else ''}>"

    head = source[: block.start()] + source[block.end() : body_at]
    return head + TAG.sub(expand, source[body_at:])
