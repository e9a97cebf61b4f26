"""The buttons of a signup form's pages: publish, withdraw, duplicate and delete (each
audited by ``lifecycle``)."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.forms import lifecycle
from pregon.forms.models import SignupForm


@authorize(Role.EDITOR)
@require_POST
def form_publish(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    form = get_object_or_404(SignupForm, code=code)
    if lifecycle.set_published(form, True, request):
        messages.success(request, _("Published: its page and embeds take signups now."))
    return redirect(_back(request, form))


@authorize(Role.EDITOR)
@require_POST
def form_unpublish(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    form = get_object_or_404(SignupForm, code=code)
    if lifecycle.set_published(form, False, request):
        messages.success(
            request, _("Withdrawn: its page, embeds and pop-ups no longer take signups.")
        )
    return redirect(_back(request, form))


@authorize(Role.EDITOR)
@require_POST
def form_duplicate(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    copy = lifecycle.duplicate(get_object_or_404(SignupForm, code=code), request.user)
    messages.success(request, _("Copy created, not published; change what you need."))
    return redirect("forms:edit", copy.code)


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def form_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    form = get_object_or_404(SignupForm, code=code)
    if problem := lifecycle.delete_problem(form):
        messages.error(request, problem)
        return redirect("forms:edit", form.code)
    if request.method == "POST":
        lifecycle.delete(form, request)
        messages.success(request, _("Form “%(name)s” deleted.") % {"name": form.name})
        return redirect("forms:index")
    context = {
        "title": _("Delete signup form"),
        "question": _(
            "Delete the form “%(name)s”, its figures and its list of signups? The contacts "
            "it brought stay, with their consent, except those who had not confirmed yet, "
            "as when their signup expires. This cannot be undone."
        )
        % {"name": form.name},
        "warning": _("It is published: its page and embeds stop working.")
        if form.is_active
        else "",
        "button": _("Delete"),
        "cancel_url": reverse("forms:edit", args=[form.code]),
    }
    return render(request, "contacts/confirm.html", context)


def _back(request: HttpRequest, form: SignupForm) -> str:
    """The page the button was on: the list, the preview or (by default) the form."""
    where = request.POST.get("next")
    if where == "index":
        return reverse("forms:index")
    if where == "preview":
        return reverse("forms:preview", args=[form.code])
    return reverse("forms:edit", args=[form.code])
