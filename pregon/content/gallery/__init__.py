"""The gallery of pre-designed email templates a message can start from.

Each template is an MJML file in this folder, written for two rendering passes:

1. ``instantiate()`` fills in the brand kit once, when a user picks a template. That pass uses
   Jinja with ``[[ … ]]``, ``[% … %]`` and ``[# … #]`` so that it leaves the merge tags alone.
2. The merge tags (``{{ nombre | default("colega") }}``, ``{{ enlace_baja }}``…) stay in the
   saved MJML and are rendered per recipient at send time, in normal Jinja syntax.

``blank.mjml`` is the empty starting point; it is not listed in ``GALLERY``. Files whose names
start with an underscore are shared partials. The images are drawn by ``draw.py``.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import escape

from pregon.content.mjmlattributes import inline_attributes

FOLDER = Path(__file__).resolve().parent
HEX_COLOR = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


@dataclass(frozen=True)
class GalleryTemplate:
    """One entry of the gallery; ``key`` is also the MJML file's name without ``.mjml``."""

    key: str
    name: Promise
    description: Promise
    category: Promise


GALLERY: list[GalleryTemplate] = [
    GalleryTemplate(
        "curso",
        _("Course announcement"),
        _("Present a new virtual course: dates, schedule, syllabus and a sign-up button."),
        _("Courses"),
    ),
    GalleryTemplate(
        "catalogo",
        _("Monthly course catalogue"),
        _("Every course of the month in two-column cards that stack on phones."),
        _("Courses"),
    ),
    GalleryTemplate(
        "webinar",
        _("Webinar invitation"),
        _("Invite people to a live online session with its speakers and a registration link."),
        _("Events"),
    ),
    GalleryTemplate(
        "recordatorio",
        _("Reminder before the start"),
        _("Remind enrolled participants that their course starts soon and how to log in."),
        _("Courses"),
    ),
    GalleryTemplate(
        "ultimas-vacantes",
        _("Last seats"),
        _("A short, urgent call to sign up before the remaining places are gone."),
        _("Courses"),
    ),
    GalleryTemplate(
        "certificado",
        _("Certificate available"),
        _("Congratulate participants and let them download their certificate."),
        _("Follow-up"),
    ),
    GalleryTemplate(
        "bienvenida",
        _("Welcome"),
        _("Greet new subscribers and explain what they will receive."),
        _("Follow-up"),
    ),
    GalleryTemplate(
        "encuesta",
        _("Survey"),
        _("Ask participants to rate a course from 1 to 5 and answer a short survey."),
        _("Follow-up"),
    ),
    GalleryTemplate(
        "agenda",
        _("Event agenda"),
        _("The programme of an event, hour by hour, with speakers."),
        _("Events"),
    ),
    GalleryTemplate(
        "boletin",
        _("Newsletter"),
        _("A periodic bulletin with a lead story, short news items and upcoming courses."),
        _("News"),
    ),
    GalleryTemplate(
        "aviso",
        _("Institutional notice"),
        _("An official announcement: a change of schedule, a closure or a new rule."),
        _("News"),
    ),
    GalleryTemplate(
        "carta",
        _("Plain letter"),
        _("A simple letter with a signature, close to a personal email."),
        _("News"),
    ),
]


def get(key: str) -> GalleryTemplate | None:
    """Return the gallery entry with this key, or None."""
    return next((template for template in GALLERY if template.key == key), None)


def _rgb(color: str) -> tuple[int, int, int]:
    match = HEX_COLOR.fullmatch(color.strip())
    if match is None:
        raise ValueError(f"not a hex colour: {color!r}")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def tint(color: str, amount: float) -> str:
    """Return ``color`` mixed with white; ``amount`` 0 keeps it, 1 gives white."""
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in _rgb(color))


def ink(color: str) -> str:
    """Return dark or white text colour, whichever reads better on a ``color`` background."""
    # Relative luminance as in WCAG 2; 0.179 is where both choices have equal contrast.
    channels = [c / 255 for c in _rgb(color)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#1a1a1a" if luminance > 0.179 else "#ffffff"


def nl2br(text: str) -> str:
    """Escape ``text`` for HTML and turn its line breaks into ``<br>``."""
    lines = [str(escape(line.strip())) for line in text.strip().splitlines()]
    return "<br>".join(line for line in lines if line)


_environment = SandboxedEnvironment(
    loader=FileSystemLoader(FOLDER),
    variable_start_string="[[",
    variable_end_string="]]",
    block_start_string="[%",
    block_end_string="%]",
    comment_start_string="[#",
    comment_end_string="#]",
    autoescape=False,
    keep_trailing_newline=True,
    undefined=StrictUndefined,
)
_environment.filters.update(tint=tint, ink=ink, nl2br=nl2br)


def instantiate(key: str, brand: Mapping[str, str], images: str) -> str:
    """Return the MJML source of template ``key`` (or "blank") with the brand kit filled in.

    ``brand`` holds name, logo_url, primary_color, accent_color, text_color, background_color,
    address and website_url; ``images`` is the absolute URL of the gallery's image folder.
    The ``<mj-attributes>`` defaults come written on each element (see ``mjmlattributes``).
    Merge tags such as ``{{ nombre }}`` are left as they are. Raises KeyError for an unknown
    key, jinja2.UndefinedError for a missing brand value and ValueError for a bad colour.
    """
    if key != "blank" and get(key) is None:
        raise KeyError(key)
    template = _environment.get_template(f"{key}.mjml")
    # Written out on each element, so that the visual editor shows the design as it is sent.
    return inline_attributes(template.render(brand=_escaped(brand), images=images.rstrip("/")))


def _escaped(brand: Mapping[str, str]) -> dict[str, str]:
    # The addresses go into attributes everywhere: escaped once here, not at every use.
    return {**brand, **{name: str(escape(brand[name])) for name in ("logo_url", "website_url")}}


def header(brand: Mapping[str, str]) -> str:
    """The header section every design starts with (``_header.mjml``): the logo, or the
    name when there is none, filled with ``brand`` as ``instantiate`` fills it."""
    return _environment.get_template("_header.mjml").render(brand=_escaped(brand)).strip("\n")
