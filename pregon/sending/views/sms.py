"""SMS gateways (administrators): list, add, edit, delete, send a test SMS; and the latest
SMS with their status and reason."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.contacts.forms import bootstrap
from pregon.lib import vault
from pregon.sending.models import GatewayKind, SmsGateway, SmsMessage
from pregon.sending.sms import gateways
from pregon.sending.sms import quota as sms_quota
from pregon.sending.sms.forms import GATEWAY_FORMS, TestSmsForm
from pregon.sending.transports import Outcome

LATEST = 50


def counter_labels() -> dict[str, str]:
    """The words of the SMS counter (static/js/sms-counter.js), in the page's language."""
    return {
        "summary": _("%(characters)s characters · %(segments)s SMS · %(encoding)s"),
        "gsm7": _("GSM-7 (plain characters)"),
        "ucs2": _("UCS-2 (Unicode: fewer characters per SMS)"),
        "forced": _("These characters switch the SMS to UCS-2: %(chars)s"),
    }


@authorize(Role.ADMIN)
def gateway_index(request: HttpRequest) -> HttpResponse:
    rows = list(SmsGateway.objects.all())
    for gateway in rows:
        if gateway.kind != GatewayKind.SMPP:
            gateway.receipt_url = settings.SITE_URL + reverse(
                "tracking:sms_receipt", args=[gateway.code]
            )
            gateway.inbound_url = settings.SITE_URL + reverse(
                "tracking:sms_inbound", args=[gateway.code]
            )
    active = gateways.active()
    context = {
        "gateways": rows,
        "active": active,
        "kinds": GatewayKind.choices,
        "latest": SmsMessage.objects.order_by("-id")[:LATEST],
        "balance": sms_quota.balance(),
        "test_form": bootstrap(TestSmsForm(initial={"gateway": active})),
        "counter_labels": counter_labels(),
    }
    return render(request, "sending/sms_gateway_index.html", context)


@authorize(Role.ADMIN)
def gateway_create(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in GATEWAY_FORMS:
        raise Http404
    form = GATEWAY_FORMS[kind](request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            gateway = form.save()
            _changed(request, gateway)
        messages.success(request, _("SMS gateway “%(name)s” saved.") % {"name": gateway})
        return redirect("sending:sms_gateways")
    title = _("New SMS gateway: %(kind)s") % {"kind": GatewayKind(kind).label}
    return _form_page(request, form, title)


@authorize(Role.ADMIN)
def gateway_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    gateway = get_object_or_404(SmsGateway, code=code)
    form = GATEWAY_FORMS[gateway.kind](request.POST or None, instance=gateway)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            _changed(request, gateway)
        messages.success(request, _("Changes saved."))
        return redirect("sending:sms_gateways")
    return _form_page(request, form, _("Edit SMS gateway"))


def _changed(request: HttpRequest, gateway: SmsGateway) -> None:
    # Only the name and kind: the audit log must never hold the secret.
    audit.record(request, AuditAction.BACKEND_CHANGED, gateway.name, kind=gateway.kind)


def _form_page(request: HttpRequest, form: object, title: str) -> HttpResponse:
    context = {
        "form": bootstrap(form),
        "cancel_url": reverse("sending:sms_gateways"),
        "title": title,
    }
    return render(request, "contacts/simple_form.html", context)


@authorize(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def gateway_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    gateway = get_object_or_404(SmsGateway, code=code)
    if request.method == "POST":
        with transaction.atomic():
            gateway.delete()
            audit.record(request, AuditAction.DELETION, gateway.name, kind="SMS gateway")
        messages.success(request, _("SMS gateway “%(name)s” deleted.") % {"name": gateway.name})
        return redirect("sending:sms_gateways")
    context = {
        "title": _("Delete SMS gateway"),
        "question": _("Delete the SMS gateway “%(name)s”? This cannot be undone.")
        % {"name": gateway.name},
        "button": _("Delete"),
        "cancel_url": reverse("sending:sms_gateways"),
    }
    return render(request, "contacts/confirm.html", context)


@authorize(Role.ADMIN)
@require_POST
def gateway_test(request: HttpRequest) -> HttpResponse:
    """Send one test SMS through the chosen gateway now: not queued, not debited."""
    form = TestSmsForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("sending:sms_gateways")
    gateway = form.cleaned_data["gateway"]
    phone, text = form.cleaned_data["phone"], form.cleaned_data["text"]
    try:
        result = gateways.send(gateway, phone, text, uuid.uuid4().hex)
    except vault.InvalidToken:
        messages.error(
            request,
            _(
                "The stored secret can no longer be read (the encryption key changed); "
                "enter it again."
            ),
        )
        return redirect("sending:sms_gateways")
    values = {"name": gateway.name, "reply": result.reply or "—"}
    if result.outcome == Outcome.SENT:
        messages.success(request, _("“%(name)s” accepted the test SMS.") % values)
    elif result.outcome == Outcome.RETRY:
        messages.warning(
            request, _("“%(name)s” did not take the test SMS for now: %(reply)s") % values
        )
    else:
        messages.error(request, _("“%(name)s” refused the test SMS: %(reply)s") % values)
    return redirect("sending:sms_gateways")
