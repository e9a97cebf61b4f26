"""Two-factor authentication: turning it on with an app, backup codes, turning it off."""

import re
from base64 import b32encode

import django_otp
import segno
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.forms import CodeForm, TwoFactorDisableForm
from pregon.accounts.models import AuditAction, BackupCodeDevice, Role, TwoFactorRule, User
from pregon.accounts.views.profile import profile_page


def _grouped(secret: str) -> str:
    """``ABCDEFGH…`` as ``ABCD EFGH …``: easier to type into a phone."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@authorize(Role.ANALYST, setting_up_two_factor=True)
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
        "required": TwoFactorRule.load().applies_to(request.user),
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
    return profile_page(request, backup_codes_form=form)


def _is_code_or_password(user: User, secret: str) -> bool:
    # Only six digits are tried as a code: a wrong code counts against django-otp's throttle.
    if re.fullmatch(r"\d{6}", secret) and django_otp.match_token(user, secret) is not None:
        return True
    return user.check_password(secret)


def remove_two_factor(user: User) -> bool:
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
            remove_two_factor(request.user)
            audit.record(request, AuditAction.TWO_FACTOR_DISABLED, request.user.email)
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("accounts:profile")
        form.add_error("secret", _("That is neither a current code nor your password."))
    return profile_page(request, disable_form=form)
