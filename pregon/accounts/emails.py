"""System mail that Pregón itself sends: invitations and email-address confirmations.

Each message is three templates, ``emails/<name>-subject.html``, ``-body-text.html`` and
``-body-html.html``, rendered in the active language and sent through Django's default
email backend (never through the campaign engine).
"""

from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from pregon.accounts.models import User


def send(
    name: str,
    to: str,
    context: dict[str, object],
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> None:
    """Render the system email ``name`` with ``context`` and send it to ``to``, with
    ``attachments`` (file name, content, MIME type) if any."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}-subject.html", context)
    # A header must be one line, whatever the template's line breaks.
    subject = " ".join(subject.split())
    text = render_to_string(f"emails/{name}-body-text.html", context)
    html = render_to_string(f"emails/{name}-body-html.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to])
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    message.send()


def set_password_url(user: User) -> str:
    """An absolute one-time link where ``user`` chooses a password.

    It is Django's password-reset token, so it stops working once the password is set.
    """
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", args=[uid, token])
    return settings.SITE_URL + path
