"""What happens to a pop-up as a whole, for the screens and the API alike: publishing and
withdrawing it, copying it and deleting it, each in the audit log."""

import uuid

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.accounts import audit
from pregon.accounts.models import AuditAction, User
from pregon.popups.models import Popup


def publish_problem(popup: Popup) -> str:
    """Why ``popup`` may not be published now, or "" if it may."""
    if popup.ends_at and popup.ends_at <= timezone.now():
        return _("Its end date has passed: change it before publishing.")
    return ""


def set_published(popup: Popup, published: bool, request: HttpRequest | None) -> bool:
    """Publish or withdraw ``popup``, in the audit log as asked by ``request``; False if it
    already was (the conditional UPDATE changed nothing)."""
    with transaction.atomic():
        changed = Popup.objects.filter(pk=popup.pk, is_published=not published).update(
            is_published=published, updated_at=timezone.now()
        )
        if changed:
            popup.is_published = published
            audit.record(
                request,
                AuditAction.POPUP_CHANGED,
                popup.name,
                kind="pop-up",
                change="published" if published else "withdrawn",
            )
    return bool(changed)


def duplicate(popup: Popup, by: User | None) -> Popup:
    """A draft copy of ``popup`` (content, rules and its signup form), named as a copy;
    returns it."""
    copy = Popup.objects.get(pk=popup.pk)
    copy.pk = copy.id = None
    copy._state.adding = True
    copy.code = uuid.uuid4()
    name = _("Copy of %(name)s") % {"name": popup.name}
    copy.name = name[: Popup._meta.get_field("name").max_length]
    copy.is_published = False
    copy.created_by = by
    copy.created_at = copy.updated_at = timezone.now()
    copy.save()
    return copy


def delete(popup: Popup, request: HttpRequest | None) -> bool:
    """Delete ``popup`` and its events, in the audit log; False if it was already gone."""
    with transaction.atomic():
        deleted, _rows = Popup.objects.filter(pk=popup.pk).delete()
        if deleted:
            audit.record(request, AuditAction.DELETION, popup.name, kind="pop-up")
    return bool(deleted)
