"""What happens to a signup form as a whole, for the screens and the API alike: publishing
and withdrawing it, copying it and deleting it, each in the audit log."""

import uuid

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.accounts import audit
from pregon.accounts.models import AuditAction, User
from pregon.contacts.bulk import delete_contacts
from pregon.contacts.models import Contact, Status
from pregon.forms.models import Signup, SignupForm


def set_published(form: SignupForm, published: bool, request: HttpRequest | None) -> bool:
    """Publish or withdraw ``form`` (its page, embeds and pop-ups take or refuse signups),
    in the audit log as asked by ``request``; False if it already was."""
    with transaction.atomic():
        changed = SignupForm.objects.filter(pk=form.pk, is_active=not published).update(
            is_active=published, updated_at=timezone.now()
        )
        if changed:
            form.is_active = published
            audit.record(
                request,
                AuditAction.FORM_CHANGED,
                form.name,
                kind="signup form",
                change="published" if published else "withdrawn",
            )
    return bool(changed)


def _free_slug(slug: str) -> str:
    base, number = slug[:70], 2
    while SignupForm.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


def duplicate(form: SignupForm, by: User | None) -> SignupForm:
    """An unpublished copy of ``form`` (settings, lists and tags) at a free address, named
    as a copy; returns it. Its figures and signups stay with the original."""
    lists, tags = list(form.lists.all()), list(form.tags.all())
    copy = SignupForm.objects.get(pk=form.pk)
    copy.pk = copy.id = None
    copy._state.adding = True
    copy.code = uuid.uuid4()
    name = _("Copy of %(name)s") % {"name": form.name}
    copy.name = name[: SignupForm._meta.get_field("name").max_length]
    copy.slug = _free_slug(f"{form.slug[:70]}-copia")
    copy.is_active = False
    copy.created_by = by
    copy.created_at = copy.updated_at = timezone.now()
    with transaction.atomic():
        copy.save()
        copy.lists.set(lists)
        copy.tags.set(tags)
    return copy


def delete_problem(form: SignupForm) -> str:
    """Why ``form`` may not be deleted now (pop-ups show it), or "" if it may."""
    names = list(form.popups.values_list("name", flat=True))
    if not names:
        return ""
    return _(
        "The pop-ups %(names)s show this form: choose another form (or none) in them "
        "before deleting it."
    ) % {"names": ", ".join(f"“{name}”" for name in names)}


def delete(form: SignupForm, request: HttpRequest | None) -> bool:
    """Delete ``form``, its signups and figures, in the audit log; False if it was already
    gone. The contacts it brought stay, with their consent, except those still pending
    through it alone: with their signup gone nothing would remind them or let them expire,
    so they go as an expired signup's contact does. Call ``delete_problem`` first."""
    with transaction.atomic():
        pending = list(
            Contact.objects.filter(status=Status.PENDING, signups__form=form)
            .values_list("pk", flat=True)
            .distinct()
        )
        deleted, _rows = SignupForm.objects.filter(pk=form.pk).delete()
        if deleted:
            waiting = Signup.objects.filter(contact=OuterRef("pk"))
            delete_contacts(
                Contact.objects.filter(pk__in=pending, status=Status.PENDING).exclude(
                    Exists(waiting)
                )
            )
            audit.record(request, AuditAction.DELETION, form.name, kind="signup form")
    return bool(deleted)
