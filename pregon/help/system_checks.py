"""A system check of the support address (PREGON_SUPPORT_EMAIL): a mistake there would lose
every request sent to it without a word."""

from django.conf import settings
from django.core.checks import Warning, register
from django.core.exceptions import ValidationError
from django.core.validators import validate_email


@register("pregon")
def check_support_email(app_configs: object, **kwargs: object) -> list[Warning]:
    if not settings.SUPPORT_EMAIL:
        return []
    try:
        validate_email(settings.SUPPORT_EMAIL)
    except ValidationError:
        return [
            Warning(
                "PREGON_SUPPORT_EMAIL is not an email address: support requests would not "
                "reach it.",
                hint="Write one address, such as mesadeayuda@example.gob.pe, or leave it empty.",
                id="pregon.W060",
            )
        ]
    return []
