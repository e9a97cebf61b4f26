"""The buttons of a pop-up's page: publish, withdraw, duplicate and delete (each audited
by ``lifecycle``)."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.popups import lifecycle
from pregon.popups.models import Popup, Site


@authorize(Role.EDITOR)
@require_POST
def popup_publish(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    popup = get_object_or_404(Popup, code=code)
    if problem := lifecycle.publish_problem(popup):
        messages.error(request, problem)
    elif lifecycle.set_published(popup, True, request):
        if Site.objects.exists():
            messages.success(request, _("Published: the classroom shows it within a minute."))
        else:
            messages.warning(
                request,
                _("Published, but no classroom loads Pregón's script yet: see Installation."),
            )
    return redirect(_back(request, popup))


@authorize(Role.EDITOR)
@require_POST
def popup_unpublish(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    popup = get_object_or_404(Popup, code=code)
    if lifecycle.set_published(popup, False, request):
        messages.success(request, _("Withdrawn: the classroom stops showing it within a minute."))
    return redirect(_back(request, popup))


@authorize(Role.EDITOR)
@require_POST
def popup_duplicate(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    copy = lifecycle.duplicate(get_object_or_404(Popup, code=code), request.user)
    messages.success(request, _("Copy created as a draft; change what you need."))
    return redirect("popups:edit", copy.code)


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def popup_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    popup = get_object_or_404(Popup, code=code)
    if request.method == "POST":
        lifecycle.delete(popup, request)
        messages.success(request, _("Pop-up “%(name)s” deleted.") % {"name": popup.name})
        return redirect("popups:index")
    context = {
        "title": _("Delete pop-up"),
        "question": _("Delete the pop-up “%(name)s” and its figures? This cannot be undone.")
        % {"name": popup.name},
        "warning": _("It is published: the classroom stops showing it.")
        if popup.is_published
        else "",
        "button": _("Delete"),
        "cancel_url": reverse("popups:edit", args=[popup.code]),
    }
    return render(request, "contacts/confirm.html", context)


def _back(request: HttpRequest, popup: Popup) -> str:
    """The page the button was on: the list, the preview or (by default) the form."""
    where = request.POST.get("next")
    if where == "index":
        return reverse("popups:index")
    if where == "preview":
        return reverse("popups:preview", args=[popup.code])
    return reverse("popups:edit", args=[popup.code])
