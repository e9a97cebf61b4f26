"""The profile page: one's name, password and email address (changed by a link to the new one)."""

from django.conf import settings
from django.contrib import auth, messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from pregon.accounts import audit, emails
from pregon.accounts.decorators import authorize
from pregon.accounts.forms import (
    EmailChangeForm,
    PasswordChangeForm,
    ProfileForm,
    TwoFactorDisableForm,
)
from pregon.accounts.models import AuditAction, BackupCodeDevice, Role, User

EMAIL_CHANGE_SALT = "pregon.accounts.email-change"
EMAIL_CHANGE_HOURS = 24


def profile_page(request: HttpRequest, **forms: object) -> HttpResponse:
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
    return profile_page(request, profile_form=form)


@authorize(Role.ANALYST)
@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST)
    if not form.is_valid():
        return profile_page(request, password_form=form)
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
        return profile_page(request, email_form=form)
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
