"""Sending screens: sender identities, delivery backends, the test mailbox and "send me a test"."""

import uuid
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.contacts.forms import bootstrap
from pregon.content.preview import PREVIEW_POLICY
from pregon.domains.models import DomainStatus
from pregon.lib import vault
from pregon.sending import engine, headers, transports
from pregon.sending.backends import Outcome
from pregon.sending.forms import (
    BACKEND_FORMS,
    HeaderTestForm,
    LimitsForm,
    SenderIdentityForm,
)
from pregon.sending.models import (
    PROVIDER_KINDS,
    Backend,
    BackendKind,
    DomainLimit,
    SenderIdentity,
    SendingLimits,
)

OUTBOX_LIMIT = 100


@authorize(Role.EDITOR)
def sender_index(request: HttpRequest) -> HttpResponse:
    senders = SenderIdentity.objects.select_related("domain")
    return render(request, "sending/sender_index.html", {"senders": senders})


@authorize(Role.EDITOR)
def sender_create(request: HttpRequest) -> HttpResponse:
    form = SenderIdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sender = form.save()
        messages.success(request, _("Sender “%(sender)s” created.") % {"sender": sender.from_email})
        _warn_if_unverified(request, sender)
        return redirect("sending:senders")
    context = {
        "form": bootstrap(form),
        "cancel_url": reverse("sending:senders"),
        "title": _("New sender identity"),
    }
    return render(request, "contacts/simple_form.html", context)


def _warn_if_unverified(request: HttpRequest, sender: SenderIdentity) -> None:
    """Mail from a domain whose DNS records are not in place ends up as spam, or refused."""
    if sender.domain.status != DomainStatus.VERIFIED:
        messages.warning(
            request,
            _(
                "The domain %(domain)s is not verified yet: until its DNS records are "
                "published, mail from this sender may be marked as spam or refused."
            )
            % {"domain": sender.domain.name},
        )


@authorize(Role.EDITOR)
def sender_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    sender = get_object_or_404(SenderIdentity, code=code)
    form = SenderIdentityForm(request.POST or None, instance=sender)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        _warn_if_unverified(request, sender)
        return redirect("sending:senders")
    context = {
        "form": bootstrap(form),
        "cancel_url": reverse("sending:senders"),
        "title": _("Edit sender identity"),
    }
    return render(request, "contacts/simple_form.html", context)


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def sender_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    sender = get_object_or_404(SenderIdentity, code=code)
    if request.method == "POST":
        try:
            with transaction.atomic():
                sender.delete()
                audit.record(request, AuditAction.DELETION, sender.from_email, kind="sender")
        except ProtectedError:
            messages.error(
                request,
                _(
                    "“%(sender)s” can't be deleted: campaigns use it, including ones already "
                    "sent, which keep it on record. Choose another sender in any draft first."
                )
                % {"sender": sender.from_email},
            )
            return redirect("sending:senders")
        messages.success(request, _("Sender “%(sender)s” deleted.") % {"sender": sender.from_email})
        return redirect("sending:senders")
    context = {
        "title": _("Delete sender identity"),
        "question": _("Delete the sender identity “%(sender)s”?") % {"sender": sender.from_email},
        "button": _("Delete"),
        "cancel_url": reverse("sending:senders"),
    }
    return render(request, "contacts/confirm.html", context)


def _where(backend: Backend) -> str:
    """The list's "Server" column for a provider: its region, domain or stream."""
    options = backend.options or {}
    if backend.kind == BackendKind.AMAZON_SES:
        return options.get("region", "")
    if backend.kind == BackendKind.MAILGUN:
        region = str(options.get("region", "us")).upper()
        return f"{options.get('sender_domain', '')} ({region})"
    if backend.kind == BackendKind.POSTMARK:
        return _("stream %(stream)s") % {"stream": options.get("message_stream", "")}
    if backend.kind == BackendKind.SENDGRID and options.get("region") == "eu":
        return "EU"
    return ""


@authorize(Role.ADMIN)
def backend_index(request: HttpRequest) -> HttpResponse:
    backends = list(Backend.objects.all())
    for backend in backends:
        backend.is_provider = backend.kind in PROVIDER_KINDS
        backend.where = _where(backend) if backend.is_provider else ""
    providers = [(kind.value, kind.label) for kind in BackendKind if kind in PROVIDER_KINDS]
    context = {"backends": backends, "providers": providers}
    return render(request, "sending/backend_index.html", context)


@authorize(Role.ADMIN)
def backend_create(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in BACKEND_FORMS:
        raise Http404
    form = BACKEND_FORMS[kind](request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            backend = form.save()
            _backend_changed(request, backend)
        messages.success(request, _("Delivery backend “%(name)s” saved.") % {"name": backend})
        return redirect("sending:backends")
    if kind == BackendKind.SMTP:
        title = _("New SMTP relay")
    elif kind == BackendKind.FILE:
        title = _("New test mailbox")
    else:
        title = _("New %(provider)s account") % {"provider": BackendKind(kind).label}
    return _backend_form_page(request, form, title)


@authorize(Role.ADMIN)
def backend_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    backend = get_object_or_404(Backend, code=code)
    form = BACKEND_FORMS[backend.kind](request.POST or None, instance=backend)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            _backend_changed(request, backend)
        messages.success(request, _("Changes saved."))
        return redirect("sending:backends")
    return _backend_form_page(request, form, _("Edit delivery backend"))


def _backend_changed(request: HttpRequest, backend: Backend) -> None:
    # Only the name and kind: the audit log must never hold the password or API key.
    audit.record(request, AuditAction.BACKEND_CHANGED, backend.name, kind=backend.kind)


@authorize(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def backend_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    backend = get_object_or_404(Backend, code=code)
    if request.method == "POST":
        with transaction.atomic():
            backend.delete()
            audit.record(request, AuditAction.DELETION, backend.name, kind="delivery backend")
        messages.success(
            request, _("Delivery backend “%(name)s” deleted.") % {"name": backend.name}
        )
        return redirect("sending:backends")
    # A test mailbox in use sends nothing, so it does not count (see transports.open_transport).
    others = Backend.objects.filter(is_active=True).exclude(kind=BackendKind.FILE)
    is_last = (
        backend.is_active
        and backend.kind != BackendKind.FILE
        and not others.exclude(pk=backend.pk).exists()
    )
    context = {
        "title": _("Delete delivery backend"),
        "question": _("Delete the delivery backend “%(name)s”? This cannot be undone.")
        % {"name": backend.name},
        "button": _("Delete"),
        "cancel_url": reverse("sending:backends"),
    }
    if is_last:
        context["warning"] = _(
            "It is the only delivery backend in use: once it is deleted, campaign messages "
            "will be kept in the test mailbox and reach nobody."
        )
    return render(request, "contacts/confirm.html", context)


@authorize(Role.ADMIN)
def limits_edit(request: HttpRequest) -> HttpResponse:
    """The speed limits all senders share (pregon/sending/limits.py)."""
    limits = SendingLimits.load()
    current = "\n".join(f"{limit.domain} {limit.per_minute}" for limit in DomainLimit.objects.all())
    form = LimitsForm(
        request.POST or None, initial={"per_second": limits.per_second, "domains": current}
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            SendingLimits.objects.filter(pk=limits.pk).update(
                per_second=form.cleaned_data["per_second"]
            )
            domains = form.cleaned_data["domains"]
            DomainLimit.objects.exclude(domain__in=domains).delete()
            for domain, per_minute in domains.items():
                DomainLimit.objects.update_or_create(
                    domain=domain, defaults={"per_minute": per_minute}
                )
        messages.success(request, _("Sending limits saved; every sender follows them at once."))
        return redirect("sending:limits")
    context = {
        "form": bootstrap(form),
        "cancel_url": reverse("sending:backends"),
        "title": _("Sending limits"),
        "help": _(
            "Mailbox providers defer or refuse mail that comes faster than they accept. "
            "These limits hold for every sender process together."
        ),
    }
    return render(request, "contacts/simple_form.html", context)


def _backend_form_page(request: HttpRequest, form: object, title: str) -> HttpResponse:
    context = {"form": bootstrap(form), "cancel_url": reverse("sending:backends"), "title": title}
    return render(request, "contacts/simple_form.html", context)


@authorize(Role.ADMIN)
@require_POST
def backend_check(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Connect to the backend, log in and leave; show what the server answered."""
    backend = get_object_or_404(Backend, code=code)
    try:
        result = transports.check_backend(backend)
    except vault.InvalidToken:
        if backend.kind in PROVIDER_KINDS:
            text = _(
                "The stored API key can no longer be read (the encryption key changed); "
                "enter it again."
            )
        else:
            text = _(
                "The stored password can no longer be read (the encryption key changed); "
                "enter it again."
            )
        messages.error(request, text)
        return redirect("sending:backends")
    if result.outcome == Outcome.SENT:
        messages.success(
            # The reply already says it works ("The connection to … works …").
            request,
            _("“%(name)s”: %(reply)s") % {"name": backend, "reply": result.reply},
        )
    elif result.outcome == Outcome.RETRY:
        messages.warning(
            request,
            _("Could not reach “%(name)s”: %(reply)s") % {"name": backend, "reply": result.reply},
        )
    else:
        messages.error(
            request,
            _("“%(name)s” refused the connection: %(reply)s")
            % {"name": backend, "reply": result.reply},
        )
    return redirect("sending:backends")


@authorize(Role.EDITOR)
def outbox_index(request: HttpRequest) -> HttpResponse:
    """What was kept in the test mailbox instead of being sent, newest first."""
    context = {"sunk": transports.outbox().messages(OUTBOX_LIMIT), "limit": OUTBOX_LIMIT}
    return render(request, "sending/outbox_index.html", context)


def _outbox_message(name: str) -> bytes:
    try:
        return transports.outbox().read(name)
    except (ValueError, FileNotFoundError):
        raise Http404 from None


def _html_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else ""


@authorize(Role.EDITOR)
def outbox_detail(request: HttpRequest, name: str) -> HttpResponse:
    data = _outbox_message(name)
    message = BytesParser(policy=policy.default).parsebytes(data)
    text = message.get_body(preferencelist=("plain",))
    context = {
        "name": name,
        "message": message,
        "headers": [(key, str(value)) for key, value in message.items()],
        "has_html": message.get_body(preferencelist=("html",)) is not None,
        "text": text.get_content() if text is not None else "",
        "source": data.decode("utf-8", errors="replace"),
    }
    return render(request, "sending/outbox_detail.html", context)


@authorize(Role.EDITOR)
def outbox_html(request: HttpRequest, name: str) -> HttpResponse:
    """The HTML part of a kept message, for the sandboxed frame of the page above."""
    message = BytesParser(policy=policy.default).parsebytes(_outbox_message(name))
    response = HttpResponse(_html_part(message))
    response["Content-Security-Policy"] = PREVIEW_POLICY
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@dataclass
class _Body:
    html: str
    text: str


@dataclass
class _HeaderTest:
    """What ``engine.send_test_messages`` needs of a draft: a subject, a body, a sender."""

    subject: str
    template: _Body
    sender: SenderIdentity
    preheader: str = ""


def _header_test_draft(sender: SenderIdentity) -> _HeaderTest:
    """A short message that says what it is; it goes through the engine like any test."""
    about = _(
        "This message checks what Pregón adds to every message it sends: the sender, the "
        "return path, the DKIM signatures and the unsubscribe headers. The page you sent it "
        "from explains each one; your mail program shows them under “Show original”."
    )
    unsubscribe = _("Unsubscribe")
    # The body goes through the merge tags' Jinja like a campaign's: {{ enlace_baja }} is
    # the message's own unsubscribe address, and nothing else in it may look like a tag.
    html = (
        f"<html><body><p>{escape(about)}</p>"
        f'<p><a href="{{{{ enlace_baja }}}}">{escape(unsubscribe)}</a></p></body></html>'
    )
    text = f"{about}\n\n{unsubscribe}: {{{{ enlace_baja }}}}\n"
    return _HeaderTest(_("Message headers"), _Body(html, text), sender)


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def header_test(request: HttpRequest) -> HttpResponse:
    """ "Send me a test" (R19): send a real message through the backends in use and show
    the headers it went out with, each explained, and the relay's answer. Not billed."""
    form = HeaderTestForm(request.POST or None, initial={"address": request.user.email})
    sent = None
    if request.method == "POST" and form.is_valid():
        draft = _header_test_draft(form.cleaned_data["sender"])
        try:
            [sent] = engine.send_test_messages(draft, [form.cleaned_data["address"]])
        except vault.InvalidToken:
            form.add_error(
                None,
                _(
                    "A delivery backend's stored password or API key can no longer be read "
                    "(the encryption key changed); enter it again."
                ),
            )
    context = {
        "form": bootstrap(form),
        "has_senders": SenderIdentity.objects.exists(),
        "sent": sent,
        "accepted": sent is not None and sent.result.outcome == Outcome.SENT,
        "headers": headers.explain(sent.return_path, sent.data) if sent else [],
        "header_block": headers.header_block(sent.data) if sent else "",
    }
    return render(request, "sending/header_test.html", context)
