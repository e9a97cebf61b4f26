"""Validation and normalisation of the values a contact is made of.

Forms, the API and imports all call these, so an address or a phone number means the same
thing wherever it came from. Each function returns the normalised value or raises
``ValueError`` with a message for the user.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

DEFAULT_REGION = "PE"

# A cheap shape check that rejects most garbage before Django's full validator runs.
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(value: str) -> str:
    """Return ``value`` trimmed and lower-cased, or raise ValueError if it is not an address."""
    email = value.strip().lower()
    if not email:
        raise ValueError(_("The email address is missing."))
    if not _EMAIL_SHAPE.match(email):
        raise ValueError(_("“%(value)s” is not a valid email address.") % {"value": value})
    try:
        validate_email(email)
    except ValidationError:
        raise ValueError(
            _("“%(value)s” is not a valid email address.") % {"value": value}
        ) from None
    return email


def normalize_phone(value: str, region: str = DEFAULT_REGION) -> str:
    """Return ``value`` in E.164 (``+51987654321``), "" if blank, or raise ValueError."""
    raw = value.strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueError(_("“%(value)s” is not a valid phone number.") % {"value": value})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
