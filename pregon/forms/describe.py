"""A form as the browser needs it to show it: the JSON the embed script and a pop-up read,
and the colours the hosted page uses. Each description carries a fresh stamp (the fill time's
start and the proof-of-work's challenge)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from pregon.content.models import BrandKit
from pregon.forms import defences
from pregon.forms.models import SignupForm
from pregon.forms.questions import choices, questions

WHITE, DARK = "#ffffff", "#1f2933"


def readable_on(background: str) -> str:
    """White or dark text, whichever reads better on ``background`` (#rrggbb)."""
    try:
        red, green, blue = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    except ValueError:
        return WHITE
    return DARK if 0.299 * red + 0.587 * green + 0.114 * blue > 160 else WHITE


def colours(form: SignupForm, brand: BrandKit | None = None) -> dict[str, str]:
    """The form's colour (the brand kit's main colour if it has none) and its text colour."""
    colour = form.colour or (brand or BrandKit.load()).primary_color
    return {"button": colour, "button_text": readable_on(colour)}


def labels() -> dict[str, str]:
    """The words of the form's own controls, in the account's language."""
    return {
        "email": _("Email address"),
        "submit": _("Subscribe"),
        "sending": _("Sending…"),
        "checking": _("Checking that you are not a robot…"),
        "error": _("It could not be sent. Please try again."),
        "privacy": _("Privacy notice"),
        "choose": _("What would you like to receive?"),
        "required": _("(required)"),
        "honeypot": _("Leave this field empty"),
    }


def submit_url(form: SignupForm) -> str:
    """The public API's address for this form's submissions."""
    return settings.SITE_URL + reverse("api:forms_public_submit", args=[form.slug])


def describe(form: SignupForm, brand: BrandKit | None = None) -> dict:
    """``form`` as the embed script and a pop-up show it."""
    return {
        "slug": form.slug,
        "title": form.title,
        "intro": form.intro,
        "fields": [question.as_json() for question in questions(form)],
        "lists": [choice.as_json() for choice in choices(form)],
        "consent": form.consent_text,
        "privacy_url": form.privacy_url,
        "colors": colours(form, brand),
        "labels": labels(),
        "honeypot": defences.HONEYPOT,
        "stamp": defences.stamp(form.pk),
        "pow": defences.POW_BITS if form.proof_of_work else 0,
        "submit_url": submit_url(form),
    }
