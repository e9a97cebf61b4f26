"""Mailing lists and tags: counts, create, rename, delete."""

import uuid

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.contacts import bulk
from pregon.contacts.forms import MailingListForm, TagForm, bootstrap
from pregon.contacts.models import MailingList, Tag


@authorize(Role.EDITOR)
def list_index(request: HttpRequest) -> HttpResponse:
    context = {
        "mailing_lists": MailingList.objects.annotate(contact_count=Count("subscription")),
        "tags": Tag.objects.annotate(contact_count=Count("contacts")),
    }
    return render(request, "contacts/list_index.html", context)


@authorize(Role.EDITOR)
def list_create(request: HttpRequest) -> HttpResponse:
    form = MailingListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mailing_list = form.save()
        messages.success(request, _("List “%(name)s” created.") % {"name": mailing_list.name})
        return redirect("contacts:lists")
    context = {
        "form": bootstrap(form),
        "cancel_url": reverse("contacts:lists"),
        "title": _("New list"),
    }
    return render(request, "contacts/simple_form.html", context)


@authorize(Role.EDITOR)
def list_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    mailing_list = get_object_or_404(MailingList, code=code)
    form = MailingListForm(request.POST or None, instance=mailing_list)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        return redirect("contacts:lists")
    context = {
        "form": bootstrap(form),
        "cancel_url": reverse("contacts:lists"),
        "title": _("Edit list"),
    }
    return render(request, "contacts/simple_form.html", context)


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def list_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    mailing_list = get_object_or_404(
        MailingList.objects.annotate(contact_count=Count("subscription")), code=code
    )
    if request.method == "POST":
        with transaction.atomic():
            mailing_list.delete()
            audit.record(
                request,
                AuditAction.DELETION,
                mailing_list.name,
                kind="list",
                members=mailing_list.contact_count,
            )
        messages.success(request, _("List “%(name)s” deleted.") % {"name": mailing_list.name})
        return redirect("contacts:lists")
    count = mailing_list.contact_count
    context = {
        "title": _("Delete list"),
        "question": ngettext(
            "Delete the list “%(name)s”? Its %(count)s contact stays in Pregón, outside it.",
            "Delete the list “%(name)s”? Its %(count)s contacts stay in Pregón, outside it.",
            count,
        )
        % {"name": mailing_list.name, "count": count},
        "button": _("Delete"),
        "cancel_url": reverse("contacts:lists"),
    }
    return render(request, "contacts/confirm.html", context)


@authorize(Role.EDITOR)
def tag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a tag; renaming it to an existing tag's name merges the two."""
    tag = get_object_or_404(Tag, pk=pk)
    form = TagForm(request.POST or None, initial={"name": tag.name})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            kept = bulk.rename_tag(tag, form.cleaned_data["name"])
        if kept is tag:
            text = _("Tag renamed to “%(name)s”.") % {"name": kept.name}
        else:
            text = _("Tag “%(old)s” merged into “%(name)s”.") % {"old": tag.name, "name": kept.name}
        messages.success(request, text)
        return redirect("contacts:lists")
    context = {
        "form": bootstrap(form),
        "cancel_url": reverse("contacts:lists"),
        "title": _("Rename tag"),
        "help": _("If another tag already has this name, the two tags are merged into one."),
    }
    return render(request, "contacts/simple_form.html", context)


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def tag_delete(request: HttpRequest, pk: int) -> HttpResponse:
    tag = get_object_or_404(Tag.objects.annotate(contact_count=Count("contacts")), pk=pk)
    if request.method == "POST":
        with transaction.atomic():
            tag.delete()
            audit.record(
                request, AuditAction.DELETION, tag.name, kind="tag", tagged=tag.contact_count
            )
        messages.success(request, _("Tag “%(name)s” deleted.") % {"name": tag.name})
        return redirect("contacts:lists")
    count = tag.contact_count
    context = {
        "title": _("Delete tag"),
        "question": ngettext(
            "Delete the tag “%(name)s”? It is removed from %(count)s contact.",
            "Delete the tag “%(name)s”? It is removed from %(count)s contacts.",
            count,
        )
        % {"name": tag.name, "count": count},
        "button": _("Delete"),
        "cancel_url": reverse("contacts:lists"),
    }
    return render(request, "contacts/confirm.html", context)
