"""Signup forms for tests: one saved with sensible Spanish settings, and the builder's
posted data."""

from typing import Any

from pregon.forms.models import SignupForm

CONSENT = "Acepto recibir correos con novedades de cursos según el aviso de privacidad."
PRIVACY = "https://escuela.example.pe/privacidad"


def make_signup_form(**fields: Any) -> SignupForm:
    """A saved form without double opt-in (so it needs no sender or template) unless told;
    ``lists`` and ``tags`` are set after saving."""
    lists = fields.pop("lists", [])
    tags = fields.pop("tags", [])
    values = {
        "name": "Novedades de cursos",
        "slug": "novedades",
        "title": "Reciba las novedades de nuestros cursos",
        "fields": [{"key": "first_name", "required": False}],
        "consent_text": CONSENT,
        "privacy_url": PRIVACY,
        "double_opt_in": False,
        "confirmation_subject": "Confirme su suscripción",
    }
    values.update(fields)
    form = SignupForm.objects.create(**values)
    form.lists.set(lists)
    form.tags.set(tags)
    return form


def builder_data(**changes: Any) -> dict[str, Any]:
    """What the builder's page posts for a valid form without double opt-in; ``ask:<key>``
    and ``position:<key>`` are its field rows."""
    data: dict[str, Any] = {
        "name": "Novedades de cursos",
        "slug": "",
        "title": "Reciba las novedades de nuestros cursos",
        "intro": "",
        "consent_text": CONSENT,
        "privacy_url": PRIVACY,
        "thank_you": "",
        "redirect_url": "",
        "colour": "#1d4e89",
        "confirmation_subject": "",
        "welcome_subject": "",
        "reminder_days": "2",
        "expire_days": "7",
        "min_fill_seconds": "3",
        "ask:first_name": "optional",
        "position:first_name": "1",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
