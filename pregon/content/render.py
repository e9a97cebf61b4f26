"""From a template's source to what is sent: compile once per save, personalise per message.

Compiling runs when a template is saved: MJML becomes HTML (mjml-python), CSS is inlined
(css-inline, which mjml-python leaves undone) and the plain text is derived. Merge tags pass
through all of it untouched. Personalising is the only per-recipient step, so it is kept to
the precompiled sandboxed Jinja templates of ``Personaliser``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import css_inline
import mjml
from django.utils.translation import gettext as _

from pregon.content import mergetags
from pregon.content.mergetags import Problem
from pregon.content.plaintext import html_to_text

_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=True)
_HTML_ENV = mergetags.environment(html=True)
_TEXT_ENV = mergetags.environment(html=False)


class InvalidTemplate(Exception):
    """The source cannot be used; ``problems`` say why, with lines where known."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Compiled:
    html: str
    text: str


def compile_source(is_mjml: bool, source: str, field_keys: Iterable[str]) -> Compiled:
    """The HTML (CSS inlined) and plain text of ``source``, merge tags left in place.

    Raises ``InvalidTemplate`` for a syntax error, an unknown field or a forbidden merge tag
    (see ``mergetags``), or MJML that does not compile.
    """
    field_keys = list(field_keys)
    found = mergetags.problems(source, field_keys)
    if is_mjml:
        found += mjml_structure_problems(source)
    if found:
        raise InvalidTemplate(found)
    html = source
    if is_mjml:
        try:
            # No fonts: MJML's default adds an @import of Google Fonts to every message,
            # which would tell Google about each recipient who opens it.
            html = mjml.mjml2html(source, fonts={})
        except ValueError as error:
            detail = _("The MJML could not be compiled (%(detail)s).") % {"detail": error}
            raise InvalidTemplate([Problem(detail)]) from None
    html = _INLINER.inline(html)
    # MJML and the inliner must not have broken a merge tag on the way.
    if found := mergetags.problems(html, field_keys):
        raise InvalidTemplate(found)
    return Compiled(html=html, text=html_to_text(html))


class _MjmlTagChecker(HTMLParser):
    """Finds <mj-…> tags that are not closed, or closed in the wrong place, by line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, int]] = []
        self.problems: list[Problem] = []
        self.has_root = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "mjml" or tag.startswith("mj-"):
            self.has_root = self.has_root or tag == "mjml"
            self.open.append((tag, self.getpos()[0]))

    def handle_endtag(self, tag: str) -> None:
        if not (tag == "mjml" or tag.startswith("mj-")):
            return
        line = self.getpos()[0]
        if not self.open:
            message = _("</%(tag)s> closes nothing.") % {"tag": tag}
            self.problems.append(Problem(message, line))
        elif self.open[-1][0] != tag:
            opened, opened_line = self.open[-1]
            message = _("</%(tag)s> is found where <%(opened)s> (line %(opened_line)s) ends.") % {
                "tag": tag,
                "opened": opened,
                "opened_line": opened_line,
            }
            self.problems.append(Problem(message, line))
            if any(name == tag for name, _line in self.open):
                while self.open.pop()[0] != tag:
                    pass
        else:
            self.open.pop()


def mjml_structure_problems(source: str) -> list[Problem]:
    """Unbalanced MJML tags, by line: the errors mjml-python reports without one."""
    checker = _MjmlTagChecker()
    checker.feed(source)
    checker.close()
    if not checker.has_root:
        return [Problem(_("An MJML template starts with <mjml> and ends with </mjml>."), 1)]
    unclosed = [
        Problem(_("<%(tag)s> is never closed.") % {"tag": tag}, line) for tag, line in checker.open
    ]
    return checker.problems + unclosed


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


class Personaliser:
    """A subject, HTML and text compiled once, rendered for each recipient.

    The HTML escapes contact data; the subject and the text do not, since neither is HTML.
    """

    def __init__(self, subject: str, html: str, text: str) -> None:
        self._subject = _TEXT_ENV.from_string(subject)
        self._html = _HTML_ENV.from_string(html)
        self._text = _TEXT_ENV.from_string(text)

    def render(self, context: Mapping[str, Any]) -> Rendered:
        # A header value must stay on one line, whatever a contact's data holds.
        subject = " ".join(self._subject.render(context).split())
        return Rendered(subject, self._html.render(context), self._text.render(context))


def context_for(
    contact: Any, unsubscribe_url: str, field_keys: Iterable[str] = ()
) -> dict[str, Any]:
    """The merge-tag values of ``contact``, under their Spanish names and English aliases.

    Every custom field in ``field_keys`` has a value, "" when the contact has none, so that a
    template's ``default`` filter applies.
    """
    attributes = contact.attributes or {}
    context: dict[str, Any] = {key: attributes.get(key, "") for key in field_keys}
    values = {
        "nombre": contact.first_name,
        "apellido": contact.last_name,
        "nombre_completo": f"{contact.first_name} {contact.last_name}".strip(),
        "email": contact.email,
        "telefono": contact.phone,
        "enlace_baja": unsubscribe_url,
    }
    for tag in mergetags.BUILT_IN:
        context[tag.name] = context[tag.alias] = values[tag.name]
    return context
