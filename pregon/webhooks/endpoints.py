"""What administrators do to an endpoint, for the screens and the API alike."""

import datetime

from django.db import transaction
from django.utils import timezone

from pregon.accounts.models import User
from pregon.lib import vault
from pregon.webhooks import signing
from pregon.webhooks.forms import EndpointForm
from pregon.webhooks.models import Endpoint

# How long the previous secret still signs after a rotation.
OVERLAP = datetime.timedelta(hours=24)


def create(form: EndpointForm, by: User) -> tuple[Endpoint, str]:
    """Save ``form``'s endpoint with a new secret; return it and the secret, in the clear
    this once (only its encrypted form is kept)."""
    secret = signing.new_secret()
    endpoint = form.save(commit=False)
    endpoint.secret = vault.encrypt(secret)
    endpoint.created_by = by
    endpoint.save()
    return endpoint, secret


@transaction.atomic
def rotate(endpoint: Endpoint) -> str:
    """Give ``endpoint`` a new secret and return it; the old one signs too for a day."""
    secret = signing.new_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_until = timezone.now() + OVERLAP
    endpoint.secret = vault.encrypt(secret)
    endpoint.save(update_fields=["secret", "previous_secret", "previous_until"])
    return secret


def enable(endpoint: Endpoint) -> None:
    """Deliver to ``endpoint`` again: what waited leaves first, in order."""
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_enabled=True, disabled_at=None, failure_count=0
    )
    endpoint.refresh_from_db()
