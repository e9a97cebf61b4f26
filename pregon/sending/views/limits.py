"""The sending limits screen: the global rate, the frequency cap and the per-domain rates."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.contacts.forms import bootstrap
from pregon.sending import limits as sending_limits
from pregon.sending.forms import LimitsForm
from pregon.sending.models import DomainLimit, SendingLimits


@authorize(Role.ADMIN)
def limits_edit(request: HttpRequest) -> HttpResponse:
    """The speed limits all senders share (pregon/sending/limits.py)."""
    limits = SendingLimits.load()
    current = "\n".join(f"{limit.domain} {limit.per_minute}" for limit in DomainLimit.objects.all())
    initial = {
        "per_second": limits.per_second,
        "frequency_cap": limits.frequency_cap,
        "domains": current,
    }
    form = LimitsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sending_limits.save(data["per_second"], data["frequency_cap"], data["domains"])
        messages.success(request, _("Sending limits saved; every sender follows them at once."))
        return redirect("sending:limits")
    context = {
        "form": bootstrap(form),
        "cancel_url": reverse("sending:backends"),
        "title": _("Sending limits"),
        "help": _(
            "Mailbox providers defer or refuse mail that comes faster than they accept, and "
            "people tire of too many emails. These limits hold for every sender process "
            "together."
        ),
    }
    return render(request, "contacts/simple_form.html", context)
