"""Changing the quota's settings: the expiry rule and the credentials' delivery date, from
which the term runs (pregon.sending.quota). The settings screen, the API and the delivery
pack (``deliver_credentials``) all come here, so each change is made and audited alike."""

import datetime

from django.db import transaction
from django.http import HttpRequest

from pregon.accounts import audit
from pregon.accounts.models import AuditAction, User
from pregon.sending import quota
from pregon.sending.models import QuotaSettings
from pregon.sending.sms import quota as sms_quota


def change(
    expiry: str,
    delivered_on: datetime.date | None,
    *,
    request: HttpRequest | None = None,
    actor: User | None = None,
) -> QuotaSettings:
    """Set the expiry rule and the credentials' delivery date, move the term's monthly
    grants (email and SMS) to the new term, and audit the change (``QUOTA_SETTINGS``, with
    the values before and after), all in one transaction; nothing happens if nothing
    changes."""
    with transaction.atomic():
        current = QuotaSettings.objects.select_for_update().get_or_create(pk=1)[0]
        before = {"expiry": current.expiry, "delivered_on": _iso(current.credentials_delivered_on)}
        after = {"expiry": expiry, "delivered_on": _iso(delivered_on)}
        if before == after:
            return current
        current.expiry, current.credentials_delivered_on = expiry, delivered_on
        current.save()
        quota.ensure_plan()
        sms_quota.ensure_plan()
        term = quota.term(current)
        audit.record(
            request,
            AuditAction.QUOTA_SETTINGS,
            f"{term.start:%Y-%m-%d}",
            actor=actor,
            before=before,
            after=after,
            term_ends=f"{term.last_day:%Y-%m-%d}",
        )
    return current


def deliver_credentials(
    on: datetime.date, *, request: HttpRequest | None = None, actor: User | None = None
) -> QuotaSettings:
    """Record that the credentials were delivered ``on`` that day, so that the term starts
    the day after (the delivery pack calls this when it is produced). The rule stays."""
    return change(quota.read_settings().expiry, on, request=request, actor=actor)


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None
