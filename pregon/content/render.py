"""From a template's source to what is sent: compile once per save, personalise per message.

Compiling runs when a template is saved: MJML becomes HTML (mjml-python), CSS is inlined
(css-inline, which mjml-python leaves undone) and the plain text is derived. Merge tags pass
through all of it untouched, and the text made from the HTML is checked like the source:
tags or entities inside a merge tag (``{<b></b>{ 7*7 }}``) would otherwise make a live one in
the text. Personalising is the only per-recipient step, so it is kept to the precompiled
sandboxed Jinja templates of ``Personaliser``, within a time and size budget per message.
"""

import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import css_inline
import mjml
from django.conf import settings
from django.utils.translation import gettext as _
from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment

from pregon.content import mergetags, preheader
from pregon.content.mergetags import InvalidTemplate, Problem
from pregon.content.plaintext import VOID, html_to_text

_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=True)
_HTML_ENV = mergetags.environment(html=True)
_TEXT_ENV = mergetags.environment(html=False)


@dataclass(frozen=True)
class Compiled:
    html: str
    text: str


def normalise_source(source: str) -> str:
    """``source`` with every line ending as a single LF.

    Browsers post a textarea with CRLF endings (as HTML requires) and files made on Windows
    have them too, but mjml-python reads a CR as an unexpected token and refuses the whole
    template. Every source entering Pregón (screens, API, imports) passes through here.
    """
    return source.replace("\r\n", "\n").replace("\r", "\n")


def compile_source(is_mjml: bool, source: str, field_keys: Iterable[str]) -> Compiled:
    """The HTML (CSS inlined) and plain text of ``source``, merge tags left in place.

    ``source`` is read with its line endings normalised (``normalise_source``). Raises
    ``InvalidTemplate`` for a syntax error, an unknown field or a forbidden merge tag (see
    ``mergetags``), or MJML that does not compile.
    """
    source = normalise_source(source)
    field_keys = list(field_keys)
    if found := _nesting_problems(source):
        raise InvalidTemplate(found)
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
            raise InvalidTemplate([mjml_error_problem(source, str(error))]) from None
    html = _INLINER.inline(html)
    # mjml-python writes <mj-preview> as white text, which spam filters score.
    html = preheader.apply(html)
    # MJML and the inliner must not have broken a merge tag on the way.
    if found := mergetags.problems(html, field_keys):
        raise InvalidTemplate(found)
    text = html_to_text(html)
    if found := mergetags.problems(text, field_keys):
        raise InvalidTemplate([_text_problem(problem) for problem in found])
    return Compiled(html=html, text=text)


def _text_problem(problem: Problem) -> Problem:
    """A problem of the text made from the HTML, which only a merge tag cut by HTML tags or
    written with entities (&#123;) can cause: its line is the text's, not the source's."""
    message = _(
        "The plain-text version made from this HTML, line %(line)s: %(problem)s "
        "Write each merge tag whole, with no HTML tags or codes such as &#123; inside it."
    ) % {"line": problem.line or 1, "problem": problem.message}
    return Problem(message)


# How deep elements may nest. The MJML compiler and the CSS inliner are native code that
# recurses per level: some thousands of levels crash the whole process (a segmentation
# fault, not a Python error). No email needs a hundred. Elements whose end tag HTML lets one
# leave out are not counted, since the next one closes them (<p><p>, <td><td>).
MAX_ELEMENT_DEPTH = 100
_NOT_COUNTED = VOID | {
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup",
    "caption", "option", "optgroup", "rb", "rt", "rtc", "rp",
}  # fmt: skip


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _DepthChecker(HTMLParser):
    """Stops at the first element nested deeper than ``MAX_ELEMENT_DEPTH``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _NOT_COUNTED:
            return
        self.open.append(tag)
        if len(self.open) > MAX_ELEMENT_DEPTH:
            raise _TooDeep(self.getpos()[0])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open.pop() != tag:
                pass


def _nesting_problems(source: str) -> list[Problem]:
    """Elements nested too deeply to compile safely, with the line of the first."""
    checker = _DepthChecker()
    try:
        checker.feed(source)
        checker.close()
    except _TooDeep as deep:
        message = _(
            "the elements are nested too deeply (more than %(depth)s, one inside another); "
            "simplify the design."
        ) % {"depth": MAX_ELEMENT_DEPTH}
        return [Problem(message, deep.line)]
    return []


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


# mjml-python's errors are English, and place the fault as a span of UTF-8 byte offsets
# ("unexpected token in root template at position 29:35"), not as a line.
_MJML_ERROR = re.compile(r"^(?P<kind>.+?) in .+? at position (?P<start>\d+):\d+$")


def mjml_error_problem(source: str, error: str) -> Problem:
    """A Spanish-translatable problem, with its line, for mjml-python's ``error``."""
    match = _MJML_ERROR.match(error)
    kind = match["kind"] if match else error.split(" in ", 1)[0]
    messages = {
        "unexpected token": _(
            "the MJML cannot be read here: look for a tag not closed with “>”, a quote "
            "left open or a character out of place."
        ),
        "unexpected element": _(
            "this MJML element cannot go here; check that it is inside the right "
            "<mj-section> and <mj-column>."
        ),
        "unable to load included template": _(
            "<mj-include> cannot be used; paste the content in its place."
        ),
        "unexpected end of stream": _(
            "the MJML ends too early; check that every tag is closed and that it ends with </mjml>."
        ),
    }
    message = messages.get(kind, _("check that every tag is written whole and closed."))
    if match is None:
        return Problem(_("The MJML could not be compiled: %(problem)s") % {"problem": message})
    line = source.encode()[: int(match["start"])].count(b"\n") + 1
    return Problem(message, line)


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str
    # The chunks the HTML and the text came in, in order: the template's constant text
    # between personalised values. The MIME builder encodes the constant ones once.
    html_parts: tuple[str, ...] = ()
    text_parts: tuple[str, ...] = ()


class OverBudget(InvalidTemplate):
    """A message took longer, or came out larger, than a message may (settings
    ``RENDER_TIMEOUT_MS`` and ``RENDER_MAX_BYTES``)."""


class Personaliser:
    """A subject, HTML and text compiled once, rendered for each recipient.

    The HTML escapes contact data; the subject and the text do not, since neither is HTML.
    Each source is checked again (``mergetags.parse``), whatever was checked when it was
    saved: ``InvalidTemplate`` says which part is refused. ``render`` raises ``OverBudget``.
    """

    def __init__(self, subject: str, html: str, text: str) -> None:
        self._subject = _compiled(_TEXT_ENV, subject, _("The subject cannot be sent: %(problems)s"))
        self._html = _compiled(_HTML_ENV, html, _("The HTML cannot be sent: %(problems)s"))
        self._text = _compiled(
            _TEXT_ENV, text, _("The plain-text version cannot be sent: %(problems)s")
        )

    def render(self, context: Mapping[str, Any]) -> Rendered:
        budget = _Budget()
        # A header value must stay on one line, whatever a contact's data holds.
        subject = " ".join(budget.render(self._subject, context).split())
        html = budget.parts(self._html, context)
        text = budget.parts(self._text, context)
        return Rendered(subject, "".join(html), "".join(text), html, text)


def _compiled(env: SandboxedEnvironment, source: str, refusal: str) -> Template:
    try:
        return env.from_string(mergetags.parse(source))
    except InvalidTemplate as error:
        raise InvalidTemplate([Problem(refusal % {"problems": error})]) from None


class _Budget:
    """The time and characters left to one message, checked between Jinja's output chunks,
    so a message over budget stops as soon as it is, without a thread or a signal."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + settings.RENDER_TIMEOUT_MS / 1000
        self.left = settings.RENDER_MAX_BYTES

    def render(self, template: Template, context: Mapping[str, Any]) -> str:
        return "".join(self.parts(template, context))

    def parts(self, template: Template, context: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(self._spend(template.generate(context)))

    def _spend(self, chunks: Iterator[str]) -> Iterator[str]:
        for chunk in chunks:
            self.left -= len(chunk)
            if self.left < 0:
                message = _("The personalised message would be larger than %(size)s MB.")
                size = round(settings.RENDER_MAX_BYTES / 1024 / 1024, 2)
                raise OverBudget([Problem(message % {"size": f"{size:g}"})])
            if time.monotonic() >= self.deadline:
                message = _("Personalising the message took more than %(seconds)s s.")
                seconds = settings.RENDER_TIMEOUT_MS / 1000
                raise OverBudget([Problem(message % {"seconds": f"{seconds:g}"})])
            yield chunk


def context_for(
    contact: Any,
    unsubscribe_url: str,
    field_keys: Iterable[str] = (),
    extra: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The merge-tag values of ``contact``, under their Spanish names and English aliases.

    Every custom field in ``field_keys`` has a value, "" when the contact has none, so that a
    template's ``default`` filter applies. ``extra`` gives the message's own addresses by a
    built-in tag's name or alias (``{"enlace_preferencias": url}``), which then fill both;
    a built-in tag given nowhere is "". ``extra`` may also give a custom field's value for
    this message only (a transactional message's data), which wins over the contact's.
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
    for name, value in (extra or {}).items():
        if name in context and name not in mergetags.NAMES:
            context[name] = value
        else:
            values[mergetags.NAMES.get(name, name)] = value
    for tag in mergetags.BUILT_IN:
        context[tag.name] = context[tag.alias] = values.get(tag.name, "")
    return context
