"""The designs a new pop-up starts from: Spanish content, a format and sensible rules, in
the colours of the brand kit that email templates already use."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from pregon.content.models import BrandKit
from pregon.popups.models import AfterAction, Format, Frequency, Trigger


@dataclass(frozen=True)
class Design:
    slug: str
    name: str
    description: str
    # The form's initial values (model field names); colours come from the brand kit.
    values: dict = field(default_factory=dict)
    # Which brand colour the button takes: "primary" or "accent".
    button_color: str = "primary"


DESIGNS = (
    Design(
        slug="curso",
        name=_("Course announcement"),
        description=_(
            "A centred window on the classroom's pages a few seconds after they open: a new "
            "course and a button to enrol."
        ),
        values={
            "format": Format.MODAL,
            "title": "Nuevo curso virtual: Gestión pública para resultados",
            "body": "<p>Curso gratuito de <strong>40 horas</strong>, con certificado. "
            "Empieza el lunes 2 de marzo y puede llevarlo a su ritmo.</p>",
            "button_text": "Inscribirme",
            "trigger": Trigger.DELAY,
            "trigger_value": 5,
            "frequency": Frequency.EVERY_DAYS,
            "frequency_value": 7,
        },
    ),
    Design(
        slug="plazo",
        name=_("Enrolment deadline"),
        description=_(
            "A bar at the top of every page until the enrolment closes, once per session."
        ),
        values={
            "format": Format.TOP_BAR,
            "title": "Últimos días para matricularse",
            "body": "<p>La matrícula cierra el <strong>viernes a las 18:00</strong>.</p>",
            "button_text": "Matricularme ahora",
            "trigger": Trigger.LOAD,
            "trigger_value": 0,
            "frequency": Frequency.SESSION,
            "frequency_value": 1,
        },
        button_color="accent",
    ),
    Design(
        slug="webinar",
        name=_("Webinar today"),
        description=_(
            "A corner slide-in for the day of a live session, during working hours, with the "
            "link to join."
        ),
        values={
            "format": Format.CORNER,
            "title": "Webinar hoy a las 19:00",
            "body": "<p>Conversamos en vivo sobre <em>contrataciones del Estado</em>. "
            "Traiga sus preguntas.</p>",
            "button_text": "Unirme al webinar",
            "trigger": Trigger.DELAY,
            "trigger_value": 3,
            "hour_from": 8,
            "hour_to": 20,
            "frequency": Frequency.SESSION,
            "frequency_value": 1,
        },
    ),
    Design(
        slug="encuesta",
        name=_("Survey"),
        description=_(
            "A bar at the bottom once the participant has read half a page, asking for a "
            "short survey; once answered, never again."
        ),
        values={
            "format": Format.BOTTOM_BAR,
            "title": "¿Cómo le va en el curso?",
            "body": "<p>Responda una encuesta de 3 minutos: nos ayuda a mejorar.</p>",
            "button_text": "Responder la encuesta",
            "trigger": Trigger.SCROLL,
            "trigger_value": 50,
            "frequency": Frequency.TOTAL,
            "frequency_value": 3,
            "after_action": AfterAction.NEVER,
        },
    ),
)


def get(slug: str) -> Design | None:
    """The design named ``slug``, or None."""
    return next((design for design in DESIGNS if design.slug == slug), None)


def brand_colors(button: str = "primary") -> dict[str, str]:
    """The pop-up's colour fields as the brand kit's emails look: the text colour on white
    (an email's content blocks), and the main (or accent) colour for the button."""
    brand = BrandKit.load()
    color = brand.accent_color if button == "accent" else brand.primary_color
    return {
        "background_color": "#ffffff",
        "text_color": brand.text_color.lower(),
        "button_color": color.lower(),
    }


def initial(design: Design) -> dict:
    """The form's initial values for a new pop-up from ``design``."""
    colors = brand_colors(design.button_color)
    return {"design": design.slug, "name": str(design.name), **design.values, **colors}
