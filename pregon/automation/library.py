"""The workflow templates of a training office: a new workflow may start from one of them.

Each is a graph in ``pregon.automation.graph``'s format. What only the office knows (the
email templates, the sender, the course's date field, the campaign) is left empty: the
builder shows those steps as unfinished and validation names them until they are chosen.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DAY = 24 * 60  # Minutes.


@dataclass(frozen=True)
class Template:
    slug: str
    name: str
    description: str
    nodes: tuple[tuple, ...]  # (id, type, config, x, y)
    edges: tuple[tuple[str, str, str], ...]  # (from, to, port)

    def graph(self) -> dict:
        """A fresh copy of the template's graph (the caller may change it)."""
        return {
            "nodes": [
                {"id": nid, "type": kind, "config": dict(config), "x": x, "y": y}
                for nid, kind, config, x, y in self.nodes
            ],
            "edges": [{"from": a, "to": b, "port": port} for a, b, port in self.edges],
        }


def _email(subject: str) -> dict:
    return {"template": "", "subject": subject, "sender": ""}


def _wait_days(days: int) -> dict:
    return {"mode": "duration", "minutes": days * DAY}


TEMPLATES = (
    Template(
        "bienvenida",
        _("Welcome series"),
        _(
            "When someone joins a list: a welcome email, two days later the courses on offer, "
            "and three days after that a tag for those who clicked or a last email for the rest."
        ),
        (
            ("n1", "trigger", {"kind": "list_joined", "list": ""}, 40, 160),
            ("n2", "email", _email("Bienvenido(a) a nuestra comunidad"), 300, 160),
            ("n3", "wait", _wait_days(2), 560, 160),
            ("n4", "email", _email("Nuestros próximos cursos"), 820, 160),
            ("n5", "wait", _wait_days(3), 1080, 160),
            ("n6", "branch", {"kind": "engagement", "event": "clicked"}, 1340, 160),
            ("n7", "tag", {"action": "add", "tag": "interesado"}, 1600, 60),
            ("n8", "email", _email("¿Le ayudamos a elegir un curso?"), 1600, 280),
        ),
        (
            ("n1", "n2", "next"),
            ("n2", "n3", "next"),
            ("n3", "n4", "next"),
            ("n4", "n5", "next"),
            ("n5", "n6", "next"),
            ("n6", "n7", "yes"),
            ("n6", "n8", "no"),
        ),
    ),
    Template(
        "recordatorio-inicio",
        _("Reminder before a course starts"),
        _(
            "Seven days before the course's start date an email; the day before, another "
            "email and an SMS."
        ),
        (
            (
                "n1",
                "trigger",
                {"kind": "date_field", "field": "", "offset_days": -7, "time": "09:00"},
                40,
                160,
            ),
            ("n2", "email", _email("Su curso empieza en una semana"), 300, 160),
            ("n3", "wait", _wait_days(6), 560, 160),
            ("n4", "email", _email("Su curso empieza mañana"), 820, 160),
            (
                "n5",
                "sms",
                {"text": "Hola {{ first_name }}, su curso empieza mañana. ¡Le esperamos!"},
                1080,
                160,
            ),
        ),
        (("n1", "n2", "next"), ("n2", "n3", "next"), ("n3", "n4", "next"), ("n4", "n5", "next")),
    ),
    Template(
        "seguimiento-clics",
        _("Follow-up to people who clicked but did not enrol"),
        _(
            "Someone clicks a campaign's link: if they have not enrolled within three days, "
            "an email with the course's details, and staff are told. Enrolling ends the workflow."
        ),
        (
            ("n1", "trigger", {"kind": "link_clicked", "campaign": "", "url": ""}, 40, 160),
            (
                "n2",
                "wait",
                {"mode": "until_event", "event": "converted", "within_days": 3},
                300,
                160,
            ),
            ("n3", "tag", {"action": "add", "tag": "matriculado"}, 560, 60),
            ("n4", "email", _email("¿Tiene dudas sobre el curso?"), 560, 280),
            (
                "n5",
                "notify",
                {
                    "emails": [],
                    "subject": "Interesado sin matrícula",
                    "text": "Un contacto hizo clic y aún no se matricula: llámelo.",
                },
                820,
                280,
            ),
            ("n6", "goal", {"goal": "matricula"}, 40, 400),
        ),
        (("n1", "n2", "next"), ("n2", "n3", "yes"), ("n2", "n4", "no"), ("n4", "n5", "next")),
    ),
    Template(
        "encuesta-final",
        _("Post-course survey"),
        _(
            "The day after the course's end date, the survey by email; whoever has not "
            "opened it within five days gets an SMS."
        ),
        (
            (
                "n1",
                "trigger",
                {"kind": "date_field", "field": "", "offset_days": 1, "time": "10:00"},
                40,
                160,
            ),
            ("n2", "email", _email("¿Qué le pareció el curso?"), 300, 160),
            ("n3", "wait", {"mode": "until_event", "event": "opened", "within_days": 5}, 560, 160),
            ("n4", "tag", {"action": "add", "tag": "encuesta-abierta"}, 820, 60),
            (
                "n5",
                "sms",
                {"text": "{{ first_name }}, su opinión nos ayuda: responda la encuesta del curso."},
                820,
                280,
            ),
        ),
        (("n1", "n2", "next"), ("n2", "n3", "next"), ("n3", "n4", "yes"), ("n3", "n5", "no")),
    ),
    Template(
        "reactivacion",
        _("Re-engagement of inactive contacts"),
        _(
            "Started by hand for a segment of inactive contacts: an email; those who click "
            "within a week are tagged as re-engaged, the rest as inactive."
        ),
        (
            ("n1", "trigger", {"kind": "manual"}, 40, 160),
            ("n2", "email", _email("Le extrañamos: novedades de este mes"), 300, 160),
            ("n3", "wait", {"mode": "until_event", "event": "clicked", "within_days": 7}, 560, 160),
            ("n4", "tag", {"action": "add", "tag": "reactivado"}, 820, 60),
            ("n5", "tag", {"action": "add", "tag": "inactivo"}, 820, 280),
        ),
        (("n1", "n2", "next"), ("n2", "n3", "next"), ("n3", "n4", "yes"), ("n3", "n5", "no")),
    ),
)

BY_SLUG = {template.slug: template for template in TEMPLATES}
