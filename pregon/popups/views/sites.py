"""Installation: the classroom sites allowed to load the pop-ups, the line to paste into
Moodle for each, and whether the script has been seen loading from them."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.contacts.forms import bootstrap
from pregon.popups.models import Site
from pregon.popups.site_form import SiteForm


def embed_line(site: Site) -> str:
    """The one line Moodle's administrators paste, exactly."""
    return f'<script async src="{settings.SITE_URL}/p/embed.js" data-site="{site.key}"></script>'


@authorize(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def install(request: HttpRequest) -> HttpResponse:
    """The sites and their lines; administrators add sites here."""
    can_manage = request.user.has_role(Role.ADMIN)
    form = SiteForm(request.POST if request.method == "POST" and can_manage else None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            site = form.save()
            audit.record(
                request, AuditAction.SITE_CHANGED, site.origin, kind="site", change="added"
            )
            messages.success(
                request,
                _("Site “%(name)s” added: paste its line into Moodle.") % {"name": site.name},
            )
            return redirect(f"{reverse('popups:install')}#site-{site.key}")
    sites = [(site, embed_line(site)) for site in Site.objects.all()]
    context = {"sites": sites, "form": bootstrap(form), "can_manage": can_manage}
    return render(request, "popups/install.html", context)


@authorize(Role.ANALYST)
def site_check(request: HttpRequest, key: str) -> HttpResponse:
    """When the script last loaded its configuration from the site (htmx swaps it in)."""
    site = get_object_or_404(Site, key=key)
    if not request.htmx:
        return redirect(f"{reverse('popups:install')}#site-{site.key}")
    context = {"site": site, "checked_at": timezone.now()}
    return render(request, "popups/site_check.html", context)


@authorize(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def site_delete(request: HttpRequest, key: str) -> HttpResponse:
    site = get_object_or_404(Site, key=key)
    if request.method == "POST":
        site.delete()
        audit.record(request, AuditAction.SITE_CHANGED, site.origin, kind="site", change="removed")
        messages.success(request, _("Site “%(name)s” removed.") % {"name": site.name})
        return redirect("popups:install")
    context = {
        "title": _("Remove site"),
        "question": _(
            "Remove “%(name)s” (%(origin)s)? Its pages stop showing pop-ups, even with the "
            "line still pasted in Moodle."
        )
        % {"name": site.name, "origin": site.origin},
        "button": _("Remove"),
        "cancel_url": reverse("popups:install"),
    }
    return render(request, "contacts/confirm.html", context)
