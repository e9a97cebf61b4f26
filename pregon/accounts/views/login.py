"""Logging in (password, then the two-factor code if the user has one), logging out,
and the password reset link."""

import time

import django_otp
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp.models import Device

from pregon.accounts import audit
from pregon.accounts.decorators import needs_second_factor
from pregon.accounts.forms import LoginForm, SecondStepForm, SetPasswordForm
from pregon.accounts.models import AuditAction, BackupCodeDevice, User

# Between the password and the code, the session holds who is logging in, not a login.
PENDING_LOGIN_KEY = "pregon_pending_login"
PENDING_LOGIN_SECONDS = 5 * 60


def _next_url(request: HttpRequest, url: str = "") -> str:
    """Where to go after logging in: ``url`` or ?next= if it is on this site, else home."""
    url = url or request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        if needs_second_factor(request):
            return redirect("accounts:verify")
        return redirect(_next_url(request))
    form = LoginForm(request, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.user
            if django_otp.user_has_device(user, confirmed=True):
                request.session[PENDING_LOGIN_KEY] = {
                    "user": user.pk,
                    "backend": user.backend,
                    "at": time.time(),
                    "next": _next_url(request),
                }
                return redirect("accounts:verify")
            auth.login(request, user)
            audit.record(request, AuditAction.LOGIN, user.email)
            return redirect(_next_url(request))
        if form.non_field_errors():
            email = form.cleaned_data["email"].lower()[:254]
            locked = bool(getattr(request, "axes_locked_out", False))
            audit.record(request, AuditAction.LOGIN_FAILED, email, email=email, locked=locked)
    context = {"form": form, "next": request.GET.get("next", "")}
    return render(request, "accounts/login.html", context)


def _user_to_verify(request: HttpRequest) -> tuple[User | None, dict | None]:
    """The user who owes a two-factor code, and the pending login if the password step was here.

    A user already logged in owes one when their session predates enabling two-factor.
    """
    if request.user.is_authenticated:
        return (request.user, None) if needs_second_factor(request) else (None, None)
    pending = request.session.get(PENDING_LOGIN_KEY)
    if not pending or time.time() - pending["at"] > PENDING_LOGIN_SECONDS:
        return None, None
    return User.objects.filter(pk=pending["user"], is_active=True).first(), pending


def _second_factor(user: User, code: str) -> Device | None:
    """The device that accepts ``code`` for ``user`` (using it up if it is a backup code).

    A backup code is tried on the backup codes alone, so that it does not count as a wrong
    app code. ``match_token`` applies django-otp's throttling: each wrong code doubles the wait.
    """
    if BackupCodeDevice.is_code(code):
        device = BackupCodeDevice.objects.filter(user=user).first()
        return django_otp.verify_token(user, device.persistent_id, code) if device else None
    return django_otp.match_token(user, code)


def verify(request: HttpRequest) -> HttpResponse:
    """The second step of logging in: a code from the user's authenticator app, or a backup
    code for someone without their phone."""
    user, pending = _user_to_verify(request)
    if user is None:
        if request.user.is_authenticated:
            return redirect("home")
        request.session.pop(PENDING_LOGIN_KEY, None)
        messages.info(request, _("Log in with your email address and password first."))
        return redirect("accounts:login")
    form = SecondStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _second_factor(user, form.cleaned_data["code"])
        if device is not None:
            next_url = pending["next"] if pending else _next_url(request)
            if pending:
                del request.session[PENDING_LOGIN_KEY]
                auth.login(request, user, backend=pending["backend"])
            django_otp.login(request, device)
            audit.record(request, AuditAction.LOGIN, user.email, two_factor=True)
            if isinstance(device, BackupCodeDevice):
                _backup_code_used(request, user)
            return redirect(next_url)
        if BackupCodeDevice.is_code(form.cleaned_data["code"]):
            error = _("That backup code is not right, or it was already used.")
        else:
            error = _("That code is not right. Codes change every 30 seconds: try the current one.")
        form.add_error("code", error)
        audit.record(
            request, AuditAction.LOGIN_FAILED, user.email, email=user.email, two_factor=True
        )
    return render(request, "accounts/verify.html", {"form": form})


def _backup_code_used(request: HttpRequest, user: User) -> None:
    """Audit the use of a backup code, and warn the user when few are left."""
    remaining = BackupCodeDevice.remaining(user) or 0
    audit.record(request, AuditAction.BACKUP_CODE_USED, user.email, remaining=remaining)
    messages.warning(
        request,
        ngettext(
            "You logged in with a backup code: %(count)s is left. Each code works once; "
            "generate new ones in My account.",
            "You logged in with a backup code: %(count)s are left. Each code works once; "
            "generate new ones in My account.",
            remaining,
        )
        % {"count": remaining},
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(request, AuditAction.LOGOUT, request.user.email)
    auth.logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view, kept as a class because it moves the token out of the URL (so it
    never leaks in a Referer header); we add our form, templates and an audit entry.

    Invitations and the first administrator's setup link land here too.
    """

    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(
            self.request, AuditAction.PASSWORD_CHANGED, self.user.email, actor=self.user, via="link"
        )
        return response
