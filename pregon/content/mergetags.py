"""Merge tags: the personalisation language of templates and subjects (R9).

A merge tag is Jinja, ``{{ nombre }}`` or ``{{ nombre | default("colega") }}``, rendered in
Jinja's ``SandboxedEnvironment``. On top of the sandbox, a template may only use what a
mailing needs: names of contact data, a few text filters and ``{% if %}``. Loops, attribute
access, calls, imports and assignments are refused when the template is saved, with the line
they are on, so a template that passed ``problems()`` cannot run for long, read Python
internals or reach other templates. The sender parses every source through ``parse()`` again,
so a source saved before a rule existed is refused there, not run.
"""

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jinja2 import TemplateSyntaxError, Undefined, nodes
from jinja2.sandbox import SandboxedEnvironment


@dataclass(frozen=True)
class MergeTag:
    """One built-in merge tag: its Spanish name, its English alias and what it holds."""

    name: str
    alias: str
    label: Promise


BUILT_IN = [
    MergeTag("nombre", "first_name", gettext_lazy("First name")),
    MergeTag("apellido", "last_name", gettext_lazy("Last name")),
    MergeTag("nombre_completo", "full_name", gettext_lazy("Full name")),
    MergeTag("email", "correo", gettext_lazy("Email address")),
    MergeTag("telefono", "phone", gettext_lazy("Phone")),
    MergeTag("enlace_baja", "unsubscribe_url", gettext_lazy("Unsubscribe link")),
    MergeTag("enlace_preferencias", "preferences_url", gettext_lazy("Preferences link")),
    # The signed page that shows the message in a browser (pregon.tracking.web_version);
    # "" where there is no sent message to show (previews, test sends, the public archive).
    MergeTag("ver_en_navegador", "view_in_browser", gettext_lazy("View in browser link")),
    # Only a signup's confirmation email has it (pregon.sending.transactional); elsewhere "".
    MergeTag(
        "enlace_confirmar", "confirm_url", gettext_lazy("Confirmation link (confirmation emails)")
    ),
]
BUILT_IN_NAMES = frozenset(name for tag in BUILT_IN for name in (tag.name, tag.alias))
# A built-in tag's Spanish name, from either of its names.
NAMES = {name: tag.name for tag in BUILT_IN for name in (tag.name, tag.alias)}
UNSUBSCRIBE_NAMES = frozenset({"enlace_baja", "unsubscribe_url"})
WEB_VERSION_NAMES = ("ver_en_navegador", "view_in_browser")


def _default(value: object, fallback: object = "") -> object:
    """The value, or ``fallback`` when it is missing or empty: a contact imported without a
    first name has "", and should still be greeted. A 0 or a "no" is a value."""
    if value is None or value == "" or isinstance(value, Undefined):
        return fallback
    return value


FILTERS = {
    "default": _default,
    # Custom fields may hold numbers or yes/no, so the text filters take any value.
    "upper": lambda value: str(value).upper(),
    "lower": lambda value: str(value).lower(),
    "title": lambda value: str(value).title(),
    "capitalize": lambda value: str(value).capitalize(),
    "trim": lambda value: str(value).strip(),
}
FILTERS["d"] = FILTERS["default"]

# How deep merge tags may nest: {% if %} in {% if %}, "not not …", "a or b or …" and chains of
# filters each add a level. No message needs more; far deeper, Jinja's parser runs out of
# stack and Python's compiler out of indentation levels (at 100 nested ifs).
MAX_DEPTH = 40
# How many merge tags a source may hold. Jinja takes seconds to parse and compile tens of
# thousands (a 2 MB template of them: 8 s), which would time out a web worker at every save;
# a message needs a few dozen.
MAX_TAGS = 1000
_TAG_START = re.compile(r"\{[{%#]")

# The Jinja nodes a template may contain; anything else is refused at save time.
ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.Filter,
    nodes.If,
    nodes.Not,
    nodes.And,
    nodes.Or,
    nodes.Compare,
    nodes.Operand,
)


@dataclass(frozen=True)
class Problem:
    """Why a template cannot be saved, and the line of its source to look at (or None)."""

    message: str
    line: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class InvalidTemplate(Exception):
    """The source cannot be used; ``problems`` say why, with lines where known."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def environment(html: bool) -> SandboxedEnvironment:
    """The sandbox templates render in; ``html`` escapes contact data (HTML bodies)."""
    env = SandboxedEnvironment(autoescape=html, keep_trailing_newline=True)
    env.filters = dict(FILTERS)
    env.globals = {}
    return env


_CHECKER = environment(html=False)


def problems(source: str, known_names: Iterable[str]) -> list[Problem]:
    """What stops ``source`` from being used: syntax errors, unknown names, forbidden parts.

    ``known_names`` are the custom field keys; the built-in tags are always known.
    """
    try:
        parse(source, known_names)
    except InvalidTemplate as error:
        return error.problems
    return []


def parse(source: str, known_names: Iterable[str] | None = None) -> nodes.Template:
    """The syntax tree of ``source``, to compile in ``environment()``, if the rules allow it.

    With ``known_names`` None any name passes: an unknown one renders empty, which is safe.
    Raises ``InvalidTemplate`` with every problem found.
    """
    if (count := len(_TAG_START.findall(source))) > MAX_TAGS:
        message = _("there are %(count)s merge tags; a message may have %(max)s at most.") % {
            "count": count,
            "max": MAX_TAGS,
        }
        raise InvalidTemplate([Problem(message)])
    try:
        tree = _CHECKER.parse(source)
    except TemplateSyntaxError as error:
        detail = _("the merge tags are not written correctly (%(detail)s).") % {
            "detail": error.message
        }
        raise InvalidTemplate([Problem(detail, error.lineno)]) from None
    except RecursionError:
        raise InvalidTemplate([_too_deep(None)]) from None
    if deep := _too_deep_node(tree):
        raise InvalidTemplate([_too_deep(getattr(deep, "lineno", None))])
    known = None if known_names is None else BUILT_IN_NAMES | set(known_names)
    if found := _check(tree, known):
        raise InvalidTemplate(found)
    return tree


def holds_tags(text: str) -> bool:
    """True if ``text`` opens a merge tag, a block or a comment ({{, {% or {#)."""
    return bool(_TAG_START.search(text))


def as_html(source: str) -> str:
    """``source``, text with merge tags (a campaign's preheader), as HTML source: its text
    escaped and its merge tags kept, for the HTML environment to escape what they give.

    Escaping the whole source instead would break a tag such as ``default("colega")``. A
    source Jinja cannot even read is all text; the sender then refuses its tags (``parse``).
    """
    try:
        tokens = list(_CHECKER.lex(source))
    except TemplateSyntaxError:
        return html.escape(source)
    return "".join(html.escape(value) if kind == "data" else value for _line, kind, value in tokens)


def _check(tree: nodes.Template, known: set[str] | None) -> list[Problem]:
    found: list[Problem] = []
    for node in _walk(tree):
        line = getattr(node, "lineno", None)
        if not isinstance(node, ALLOWED_NODES):
            found.append(Problem(_forbidden_message(node), line))
        elif isinstance(node, nodes.Filter) and node.name not in FILTERS:
            found.append(
                Problem(
                    _("the filter “%(name)s” does not exist; use one of: %(filters)s.")
                    % {"name": node.name, "filters": ", ".join(sorted(FILTERS))},
                    line,
                )
            )
        elif isinstance(node, nodes.Name) and known is not None and node.name not in known:
            found.append(
                Problem(
                    _("there is no field “%(name)s”. Use one of: %(names)s.")
                    % {"name": node.name, "names": ", ".join(sorted(known))},
                    line,
                )
            )
    return found


def _too_deep_node(tree: nodes.Template) -> nodes.Node | None:
    """The first node nested deeper than ``MAX_DEPTH``, found without recursion (the tree
    of "a or b or …" is as deep as it is long)."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return node
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return None


def _too_deep(line: int | None) -> Problem:
    message = _(
        "the merge tags are nested too deeply (more than %(depth)s levels); "
        "write simpler conditions."
    ) % {"depth": MAX_DEPTH}
    return Problem(message, line)


def _walk(node: nodes.Node) -> Iterable[nodes.Node]:
    yield node
    if isinstance(node, ALLOWED_NODES):
        for child in node.iter_child_nodes():
            yield from _walk(child)


def _forbidden_message(node: nodes.Node) -> str:
    if isinstance(node, nodes.For):
        return _("loops cannot be used in a message.")
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        return _("a field's parts cannot be read; write just the field's name.")
    if isinstance(node, nodes.Import | nodes.FromImport | nodes.Include | nodes.Extends):
        return _("a message cannot include other templates.")
    return _("only merge tags such as {{ nombre }}, their filters and {% if %} can be used here.")
