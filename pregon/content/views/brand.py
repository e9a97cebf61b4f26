"""The brand kit: logo, colours and footer that new messages start with."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.contacts.forms import bootstrap
from pregon.content.assets import store_image
from pregon.content.forms import BrandKitForm
from pregon.content.models import BrandKit
from pregon.content.rebrand import outdated, update_templates

# Set once a person was sent to the brand kit before their first design, so that one who
# chose to go on without it is not asked again.
ASKED = "brand_kit_asked"


def ask_for_brand_kit(request: HttpRequest, next_url: str) -> HttpResponse | None:
    """A redirect to the brand kit form, coming back to ``next_url``, while the kit is empty
    and the person was not asked yet; None otherwise."""
    if request.session.get(ASKED) or not BrandKit.load().is_empty:
        return None
    request.session[ASKED] = True
    return redirect(reverse("content:brand") + "?" + urlencode({"next": next_url}))


def _next_url(request: HttpRequest) -> str:
    """Where to go once the brand kit is saved: the page that asked for it, if ours."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return ""


@authorize(Role.EDITOR)
def brand_edit(request: HttpRequest) -> HttpResponse:
    brand = BrandKit.load()
    next_url = _next_url(request)
    form = BrandKitForm(request.POST or None, request.FILES or None, instance=brand)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                brand = form.save(commit=False)
                if upload := form.cleaned_data.get("logo_file"):
                    brand.logo = store_image(upload, request.user)
                brand.updated_at = timezone.now()
                brand.save()
        except ValidationError as error:
            form.add_error("logo_file", error)
        else:
            messages.success(request, _("Brand kit saved. New messages will start with it."))
            return redirect(next_url or "content:brand")
    context = {
        "form": bootstrap(form),
        "brand": brand,
        "next_url": next_url,
        "outdated_count": len(outdated(BrandKit.load().as_context())),
    }
    return render(request, "content/brand_form.html", context)


@authorize(Role.EDITOR)
@require_POST
def brand_update_templates(request: HttpRequest) -> HttpResponse:
    """Write the brand kit into the templates made from the gallery with an older one."""
    outcome = update_templates(BrandKit.load())
    count = len(outcome.updated)
    messages.success(
        request,
        ngettext(
            "%(count)d template now has the new brand.",
            "%(count)d templates now have the new brand.",
            count,
        )
        % {"count": count},
    )
    for template, reason in outcome.failed:
        messages.warning(
            request,
            _("“%(name)s” was not updated: %(reason)s Change it in its editor.")
            % {"name": template.name, "reason": reason},
        )
    return redirect("content:brand")
