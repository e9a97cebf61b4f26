"""The list of pop-ups, and writing one: choosing a design, then its form (new or edit)."""

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.contacts.forms import bootstrap
from pregon.popups import gallery, stats
from pregon.popups.forms import PopupForm, save_popup
from pregon.popups.models import Popup, Site


@authorize(Role.ANALYST)
def popup_index(request: HttpRequest) -> HttpResponse:
    """Every pop-up, first to show first, with its status, dates and figures."""
    popups = list(Popup.objects.all())
    figures = stats.figures_of(popups)
    now = timezone.now()
    rows = [(popup, popup.status(now), figures.get(popup.pk, {})) for popup in popups]
    context = {
        "rows": rows,
        "has_sites": Site.objects.exists(),
        "time_zone": timezone.get_current_timezone_name(),
    }
    return render(request, "popups/popup_index.html", context)


@authorize(Role.EDITOR)
def popup_designs(request: HttpRequest) -> HttpResponse:
    """The designs a new pop-up starts from."""
    return render(request, "popups/popup_designs.html", {"designs": gallery.DESIGNS})


@authorize(Role.EDITOR)
def popup_create(request: HttpRequest, design: str) -> HttpResponse:
    chosen = gallery.get(design)
    if chosen is None:
        raise Http404
    form = PopupForm(request.POST or None, initial=gallery.initial(chosen))
    if request.method == "POST" and form.is_valid():
        popup = save_popup(form, request.user)
        messages.success(
            request,
            _("Pop-up “%(name)s” saved as a draft. Look at its preview, then publish it.")
            % {"name": popup.name},
        )
        return redirect("popups:preview", popup.code)
    return _form_page(request, form, None)


@authorize(Role.EDITOR)
def popup_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    popup = get_object_or_404(Popup, code=code)
    form = PopupForm(request.POST or None, instance=popup)
    if request.method == "POST" and form.is_valid():
        save_popup(form, request.user)
        messages.success(request, _("Changes saved."))
        return redirect("popups:edit", popup.code)
    return _form_page(request, form, popup)


def _form_page(request: HttpRequest, form: PopupForm, popup: Popup | None) -> HttpResponse:
    context = {
        "form": bootstrap(form),
        "popup": popup,
        "status": popup.status() if popup else None,
        "title": _("Edit pop-up") if popup else _("New pop-up"),
        "cancel_url": reverse("popups:index"),
    }
    return render(request, "popups/popup_form.html", context)
