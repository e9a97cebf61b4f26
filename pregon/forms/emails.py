"""The email templates of signup forms: whether one can confirm a signup, and the default
confirmation template, in the brand kit's colours, that a double opt-in form gets when
staff choose none."""

import re
from pathlib import Path

from django.db import transaction
from markupsafe import escape

from pregon.accounts.models import User
from pregon.content.gallery import header, ink
from pregon.content.models import BrandKit, EmailTemplate, Format

DEFAULT_NAME = "Confirmación de suscripción"
# {{ enlace_confirmar }} or its English alias, with or without a filter.
CONFIRM_LINK = re.compile(r"\{\{-?\s*(enlace_confirmar|confirm_url)\s*(\||-?\}\})")

# The default confirmation email. Its merge tags stay as Jinja ({{ … }}); the brand's values
# are filled in by ``str.format``, hence the doubled braces in the file.
DEFAULT_SOURCE = Path(__file__).resolve().parent / "default_confirmation.mjml"


def has_confirm_link(template: EmailTemplate) -> bool:
    """True if ``template`` has the confirmation link's merge tag."""
    return bool(CONFIRM_LINK.search(template.source))


def default_source(brand: BrandKit) -> str:
    """The default confirmation email's MJML, in ``brand``'s colours and name."""
    values = brand.as_context()
    return DEFAULT_SOURCE.read_text(encoding="utf-8").format(
        header=header(values),
        name=escape(values["name"]),
        text=values["text_color"],
        primary=values["primary_color"],
        button_ink=ink(values["primary_color"]),
        background=values["background_color"],
    )


def default_confirmation_template(by: User | None) -> EmailTemplate:
    """The template named ``DEFAULT_NAME`` if one exists with the confirmation link, or a
    new one made from ``default_source``; it can then be edited like any template."""
    existing = [
        template
        for template in EmailTemplate.objects.filter(name=DEFAULT_NAME).order_by("id")
        if has_confirm_link(template)
    ]
    if existing:
        return existing[0]
    template = EmailTemplate(name=DEFAULT_NAME, format=Format.MJML, created_by=by)
    template.set_source(default_source(BrandKit.load()))
    with transaction.atomic():
        template.save()
    return template
