"""Logging in and out, two-factor, the profile page, API tokens, users and the audit log."""

import re
import smtplib
import time
import uuid
from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.core import signing
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from pregon.accounts import audit, emails
from pregon.accounts.decorators import authorize, needs_second_factor
from pregon.accounts.forms import (
    AuditFilterForm,
    CodeForm,
    EmailChangeForm,
    InviteForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RoleForm,
    SecondStepForm,
    SetPasswordForm,
    TokenForm,
    TwoFactorDisableForm,
)
from pregon.accounts.models import (
    ApiToken,
    AuditAction,
    AuditEntry,
    BackupCodeDevice,
    Role,
    User,
)

# Between the password and the code, the session holds who is logging in, not a login.
PENDING_LOGIN_KEY = "pregon_pending_login"
PENDING_LOGIN_SECONDS = 5 * 60
EMAIL_CHANGE_SALT = "pregon.accounts.email-change"
EMAIL_CHANGE_HOURS = 24
AUDIT_PAGE_SIZE = 50


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


def _profile_page(request: HttpRequest, **forms: object) -> HttpResponse:
    """The profile page with fresh forms, except the bound ones given (to show errors)."""
    context = {
        "profile_form": ProfileForm(instance=request.user),
        "email_form": EmailChangeForm(request.user),
        "password_form": PasswordChangeForm(request.user),
        "disable_form": TwoFactorDisableForm(),
        "has_two_factor": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        "backup_codes_left": BackupCodeDevice.remaining(request.user),
        "backup_codes_form": TwoFactorDisableForm(prefix="codes"),
        **forms,
    }
    return render(request, "accounts/profile.html", context)


@authorize(Role.ANALYST)
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details are saved."))
        return redirect("accounts:profile")
    return _profile_page(request, profile_form=form)


@authorize(Role.ANALYST)
@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST)
    if not form.is_valid():
        return _profile_page(request, password_form=form)
    user = form.save()
    # Keep this session logged in; the user's other sessions end with the old password.
    auth.update_session_auth_hash(request, user)
    audit.record(request, AuditAction.PASSWORD_CHANGED, user.email)
    messages.success(request, _("Your password is changed."))
    return redirect("accounts:profile")


@authorize(Role.ANALYST)
@require_POST
def email_change(request: HttpRequest) -> HttpResponse:
    """Email a confirmation link to the new address; the change happens when it is opened."""
    form = EmailChangeForm(request.user, request.POST)
    if not form.is_valid():
        return _profile_page(request, email_form=form)
    new_email = form.cleaned_data["email"]
    # The old address is in the signed value, so the link is void once the address changes.
    payload = {"user": request.user.pk, "old": request.user.email, "new": new_email}
    token = signing.dumps(payload, salt=EMAIL_CHANGE_SALT)
    url = settings.SITE_URL + reverse("accounts:email_confirm", args=[token])
    context = {"account": request.user, "new_email": new_email, "url": url}
    emails.send("email-change", new_email, {**context, "hours": EMAIL_CHANGE_HOURS})
    messages.success(
        request,
        _("We sent a link to %(email)s. Open it within %(hours)s hours to finish the change.")
        % {"email": new_email, "hours": EMAIL_CHANGE_HOURS},
    )
    return redirect("accounts:profile")


def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Open the link sent to the new address: a page with a button, because mail scanners
    follow links, and a GET must not change anything."""
    try:
        payload = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_HOURS * 3600)
    except signing.BadSignature:
        payload = None
    account = None
    if payload:
        account = User.objects.filter(
            pk=payload["user"], email=payload["old"], is_active=True
        ).first()
    if account is None:
        return render(request, "accounts/email_confirm.html", {"invalid": True}, status=400)
    old_email, new_email = account.email, payload["new"]
    if request.method == "POST":
        taken = User.objects.filter(email__iexact=new_email).exists()
        if not taken:
            try:
                with transaction.atomic():
                    account.email = new_email
                    account.save(update_fields=["email"])
                    audit.record(
                        request, AuditAction.EMAIL_CHANGED, new_email, actor=account,
                        old=old_email, new=new_email,
                    )  # fmt: skip
            except IntegrityError:  # Taken between the check and the save.
                taken = True
        if taken:
            messages.error(request, _("Another user already has this email address."))
            return redirect("accounts:profile")
        # Tell the old address, so that an unexpected change does not go unnoticed.
        emails.send("email-changed", old_email, {"old_email": old_email, "new_email": new_email})
        messages.success(request, _("Your email address is now %(email)s.") % {"email": new_email})
        return redirect("accounts:profile")
    context = {"old_email": old_email, "new_email": new_email}
    return render(request, "accounts/email_confirm.html", context)


def _grouped(secret: str) -> str:
    """``ABCDEFGH…`` as ``ABCD EFGH …``: easier to type into a phone."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@authorize(Role.ANALYST)
def two_factor(request: HttpRequest) -> HttpResponse:
    """Turn on two-factor: scan the QR code (or type the secret), then confirm with a code."""
    if django_otp.user_has_device(request.user, confirmed=True):
        return redirect("accounts:profile")
    # An unconfirmed device is reused, so reloading the page keeps the QR code the user scanned.
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Pregón", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            # This session has just proved the code; only the user's other sessions must.
            django_otp.login(request, device)
            audit.record(request, AuditAction.TWO_FACTOR_ENABLED, request.user.email)
            messages.success(request, _("Two-factor authentication is on."))
            return _show_backup_codes(request)
        form.add_error("code", _("That code is not right. Check your phone's clock and retry."))
    # The SVG is made by segno from the otpauth:// URL only: no user text reaches the markup.
    qr = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)
    context = {
        "form": form,
        "qr_svg": mark_safe(qr),  # noqa: S308
        "secret": _grouped(b32encode(device.bin_key).decode()),
    }
    return render(request, "accounts/two_factor.html", context)


def _show_backup_codes(request: HttpRequest) -> HttpResponse:
    """Issue new backup codes to the user and show them, this once: only hashes are kept."""
    with transaction.atomic():
        codes = BackupCodeDevice.issue(request.user)
        audit.record(
            request, AuditAction.BACKUP_CODES_CREATED, request.user.email, count=len(codes)
        )
    response = render(request, "accounts/backup_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@authorize(Role.ANALYST)
@require_POST
def backup_codes(request: HttpRequest) -> HttpResponse:
    """Replace the user's backup codes (the old ones stop working), confirmed with a current
    code or the password, so that an unattended session cannot take them."""
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:profile")
    form = TwoFactorDisableForm(request.POST, prefix="codes")
    if form.is_valid():
        if _is_code_or_password(request.user, form.cleaned_data["secret"]):
            return _show_backup_codes(request)
        form.add_error("secret", _("That is neither a current code nor your password."))
    return _profile_page(request, backup_codes_form=form)


def _is_code_or_password(user: User, secret: str) -> bool:
    # Only six digits are tried as a code: a wrong code counts against django-otp's throttle.
    if re.fullmatch(r"\d{6}", secret) and django_otp.match_token(user, secret) is not None:
        return True
    return user.check_password(secret)


def _remove_two_factor(user: User) -> bool:
    """Delete the user's authenticator app and backup codes; True if there were any."""
    apps, _by_type = TOTPDevice.objects.filter(user=user).delete()
    codes, _by_type = BackupCodeDevice.objects.filter(user=user).delete()
    return bool(apps or codes)


@authorize(Role.ANALYST)
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    form = TwoFactorDisableForm(request.POST)
    if form.is_valid():
        if _is_code_or_password(request.user, form.cleaned_data["secret"]):
            _remove_two_factor(request.user)
            audit.record(request, AuditAction.TWO_FACTOR_DISABLED, request.user.email)
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("accounts:profile")
        form.add_error("secret", _("That is neither a current code nor your password."))
    return _profile_page(request, disable_form=form)


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


@authorize(Role.ANALYST)
def tokens(request: HttpRequest) -> HttpResponse:
    """List, create and revoke one's own API tokens. A new token is shown once, here."""
    form = TokenForm(request.user, request.POST or None)
    raw_token = None
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            token, raw_token = ApiToken.issue(request.user, form.cleaned_data["name"])
            audit.record(request, AuditAction.TOKEN_CREATED, token.name)
        form = TokenForm(request.user)
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user),
        "raw_token": raw_token,
    }
    response = render(request, "accounts/tokens.html", context)
    if raw_token:
        response["Cache-Control"] = "no-store"
    return response


@authorize(Role.ANALYST)
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    with transaction.atomic():
        token.revoke()
        audit.record(request, AuditAction.TOKEN_REVOKED, token.name)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


@authorize(Role.ADMIN)
def users(request: HttpRequest) -> HttpResponse:
    """All users, with the invitation form: a new user chooses a password from the email."""
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The email is sent inside the transaction: if the mail server refuses it, no
            # user is left behind that nobody can reach.
            with transaction.atomic():
                user = User.objects.create_user(
                    data["email"], None, name=data["name"], role=data["role"]
                )
                audit.record(request, AuditAction.USER_INVITED, user.email, role=user.role)
                _send_invitation(request, user)
        except IntegrityError:
            form.add_error("email", _("A user with this email address already exists."))
        except (smtplib.SMTPException, OSError):
            form.add_error(
                None,
                _("The mail server refused the invitation, so nobody was invited. Try again."),
            )
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("accounts:users")
    confirmed_device = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    accounts = User.objects.annotate(has_two_factor=Exists(confirmed_device))
    context = {"form": form, "users": accounts, "roles": Role.choices}
    return render(request, "accounts/users.html", context)


def _send_invitation(request: HttpRequest, user: User) -> None:
    """Email ``user`` a link to choose their password; raises what smtplib raises."""
    context = {
        "inviter": request.user,
        "account": user,
        "role": user.get_role_display(),
        "url": emails.set_password_url(user),
    }
    emails.send("invitation", user.email, context)


@authorize(Role.ADMIN)
@require_POST
def user_reinvite(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Send a fresh invitation to a user who never chose a password (links last 3 days)."""
    user = get_object_or_404(User, code=code, is_active=True)
    if user.has_usable_password():
        messages.info(
            request,
            _("%(email)s already has a password; “Forgot your password?” on the login page helps.")
            % {"email": user.email},
        )
        return redirect("accounts:users")
    try:
        _send_invitation(request, user)
    except (smtplib.SMTPException, OSError):
        messages.error(request, _("The mail server refused the invitation. Try again."))
        return redirect("accounts:users")
    audit.record(request, AuditAction.USER_INVITED, user.email, role=user.role, resent=True)
    messages.success(request, _("A new invitation was sent to %(email)s.") % {"email": user.email})
    return redirect("accounts:users")


@authorize(Role.ADMIN)
@require_POST
def user_two_factor_reset(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Turn off another user's two-factor, for someone who lost their phone."""
    user = get_object_or_404(User, code=code)
    with transaction.atomic():
        if _remove_two_factor(user):
            audit.record(request, AuditAction.TWO_FACTOR_DISABLED, user.email)
    messages.success(
        request,
        _(
            "Two-factor authentication is off for %(email)s: they log in with their password "
            "until they turn it on again."
        )
        % {"email": user.email},
    )
    return redirect("accounts:users")


def _refuse_last_admin(request: HttpRequest, user: User) -> HttpResponse:
    messages.error(
        request,
        _("%(email)s is the last active administrator. Make another user an administrator first.")
        % {"email": user.email},
    )
    return redirect("accounts:users")


@authorize(Role.ADMIN)
@require_POST
def user_role(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles in the list."))
        return redirect("accounts:users")
    new_role = form.cleaned_data["role"]
    with transaction.atomic():
        user = get_object_or_404(User, code=code)
        old_role = user.role
        if new_role == old_role:
            return redirect("accounts:users")
        if user.is_last_admin():
            return _refuse_last_admin(request, user)
        user.role = new_role
        user.save(update_fields=["role"])
        audit.record(request, AuditAction.ROLE_CHANGED, user.email, old=old_role, new=new_role)
    messages.success(
        request,
        _("%(email)s is now %(role)s.") % {"email": user.email, "role": user.get_role_display()},
    )
    return redirect("accounts:users")


@authorize(Role.ADMIN)
@require_POST
def user_deactivate(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Stop a user from logging in or using their API tokens; nothing of theirs is deleted."""
    with transaction.atomic():
        user = get_object_or_404(User, code=code, is_active=True)
        if user.is_last_admin():
            return _refuse_last_admin(request, user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit.record(request, AuditAction.USER_DEACTIVATED, user.email)
    messages.success(request, _("%(email)s can no longer log in.") % {"email": user.email})
    return redirect("accounts:users")


@authorize(Role.ADMIN)
@require_POST
def user_reactivate(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    with transaction.atomic():
        user = get_object_or_404(User, code=code, is_active=False)
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.record(request, AuditAction.USER_REACTIVATED, user.email)
    messages.success(request, _("%(email)s can log in again.") % {"email": user.email})
    return redirect("accounts:users")


@authorize(Role.ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.order_by("-at", "-id")
    if form.is_valid():
        if form.cleaned_data["action"]:
            entries = entries.filter(action=form.cleaned_data["action"])
        if form.cleaned_data["actor"]:
            entries = entries.filter(actor_email__icontains=form.cleaned_data["actor"].strip())
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "accounts/audit.html", context)
