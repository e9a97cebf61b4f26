"""Double opt-in after the submission: the confirmation link (/f/confirmar/<token>, signed,
expiring after the form's ``expire_days``), the one reminder, and the expiry.

The scheduler's tick calls ``remind_and_expire``: a pending signup older than its form's
``reminder_days`` gets the reminder once (unless the person unsubscribed from its
confirmation email); one older than ``expire_days`` expires, and a pending contact left with
no pending signup is deleted, with its signups (they never confirmed, so nothing of theirs
is kept); a contact who existed before keeps its expired signup, and stays as it was.
"""

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from pregon.contacts.bulk import delete_contacts
from pregon.contacts.models import Contact, Status
from pregon.forms import mails, subscribe
from pregon.forms.models import Signup, SignupForm, SignupStatus
from pregon.lib import signing
from pregon.tracking.models import Event, EventKind

log = logging.getLogger(__name__)

# Signups handled per form and tick: the tick comes back every few seconds.
BATCH = 200


class Invalid(Exception):
    """The link is forged, or names no signup."""


class Unusable(Exception):
    """The signup's data can no longer be applied (nothing was written)."""

    def __init__(self, signup: Signup) -> None:
        super().__init__(signup.pk)
        self.signup = signup


@dataclass(frozen=True)
class Found:
    signup: Signup
    expired: bool


def expires_at(signup: Signup) -> datetime.datetime:
    return signup.created_at + datetime.timedelta(days=signup.form.expire_days)


def find(token: str) -> Found:
    """The signup a confirmation link names, and whether it can no longer be confirmed;
    raises Invalid for a forged link."""
    try:
        pk = signing.unsign(mails.TOKEN_KIND, token)
    except signing.BadToken:
        raise Invalid(token) from None
    signup = Signup.objects.select_related("form", "contact").filter(pk=pk).first()
    if signup is None:
        raise Invalid(token)
    expired = signup.status == SignupStatus.EXPIRED or (
        signup.status == SignupStatus.PENDING and timezone.now() >= expires_at(signup)
    )
    return Found(signup, expired)


def confirm(token: str) -> Found:
    """Confirm the signup ``token`` names, once (a second click changes nothing); returns it
    as ``find`` does. Raises Invalid for a forged link, Unusable when the contact cannot be
    saved even without what no longer validates (and then writes nothing)."""
    found = find(token)
    if found.expired or found.signup.status != SignupStatus.PENDING:
        return found
    try:
        with transaction.atomic():
            signup = (
                Signup.objects.select_for_update().select_related("form").get(pk=found.signup.pk)
            )
            if signup.status == SignupStatus.PENDING:
                contact = Contact.objects.select_for_update().get(pk=signup.contact_id)
                subscribe.apply(signup, contact, confirmed=True)
    except ValidationError as invalid:
        log.warning("signup %s cannot be confirmed: %s", found.signup.pk, invalid.messages)
        raise Unusable(found.signup) from None
    return Found(signup, False)


# A signup whose confirmation email the person unsubscribed from: they said no.
_refused = Event.objects.filter(
    kind=EventKind.UNSUBSCRIBED,
    message__mailing__key=Concat(
        Value(mails.KEY_PREFIX), Cast(OuterRef("pk"), CharField()), Value(":confirm")
    ),
)


def remind_and_expire() -> bool:
    """Send due reminders and expire due signups, a batch per form; True if it did any."""
    did = False
    now = timezone.now()
    forms = SignupForm.objects.filter(
        Exists(Signup.objects.filter(form=OuterRef("pk"), status=SignupStatus.PENDING))
    )
    for form in forms:
        pending = Signup.objects.filter(form=form, status=SignupStatus.PENDING)
        if form.reminder_days < form.expire_days:
            due = pending.exclude(Exists(_refused)).filter(
                reminded_at__isnull=True,
                created_at__lte=now - datetime.timedelta(days=form.reminder_days),
                created_at__gt=now - datetime.timedelta(days=form.expire_days),
            )
            for signup in due.select_related("form", "contact")[:BATCH]:
                if mails.mailed_recently(signup.contact):
                    continue  # Another signup's email went to the address: a later tick.
                with transaction.atomic():
                    mails.send_confirmation(signup, reminder=True)
                    Signup.objects.filter(pk=signup.pk).update(reminded_at=now)
                did = True
        expired = list(
            pending.filter(
                created_at__lte=now - datetime.timedelta(days=form.expire_days)
            ).values_list("pk", "contact_id")[:BATCH]
        )
        if expired:
            _expire([pk for pk, _contact in expired], {contact for _pk, contact in expired})
            did = True
    return did


def _expire(signup_ids: list[int], contact_ids: set[int]) -> None:
    with transaction.atomic():
        Signup.objects.filter(pk__in=signup_ids, status=SignupStatus.PENDING).update(
            status=SignupStatus.EXPIRED
        )
        # A contact who never confirmed anything: only pending, and waiting for nothing else.
        still_waiting = Signup.objects.filter(contact=OuterRef("pk"), status=SignupStatus.PENDING)
        unconfirmed = Contact.objects.filter(pk__in=contact_ids, status=Status.PENDING).exclude(
            Exists(still_waiting)
        )
        delete_contacts(unconfirmed)
