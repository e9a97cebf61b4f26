"""What the administrators are told when an endpoint is disabled: an email each, in the
account's language, with the URL, the last answer and the page to enable it again."""

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from pregon.accounts import emails
from pregon.accounts.models import Role, User
from pregon.webhooks.models import Delivery, Endpoint

log = logging.getLogger(__name__)


def tell_administrators(endpoint: Endpoint) -> None:
    """Email every active administrator that ``endpoint`` was disabled, and why.

    A mail server that is down loses the email, not the endpoint's state: the failure is
    logged, and the webhooks page says the endpoint is disabled.
    """
    last = Delivery.objects.filter(endpoint=endpoint).exclude(attempt_count=0)
    context = {
        "endpoint": endpoint,
        "last": last.order_by("-pk").first(),
        "url": settings.SITE_URL + reverse("webhooks:detail", args=[endpoint.code]),
    }
    for user in User.objects.filter(role=Role.ADMIN, is_active=True):
        try:
            with translation.override(settings.LANGUAGE_CODE):
                emails.send("webhook-disabled", user.email, context)
        except Exception:
            log.exception("could not tell user %s about webhook %s", user.pk, endpoint.pk)
