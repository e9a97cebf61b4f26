"""Users, for administrators: invitations, roles, deactivation, resetting two-factor."""

import smtplib
import uuid

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from pregon.accounts import audit, emails
from pregon.accounts.decorators import authorize
from pregon.accounts.forms import InviteForm, RoleForm, TwoFactorRuleForm
from pregon.accounts.models import AuditAction, Role, TwoFactorRule, User
from pregon.accounts.views.two_factor import remove_two_factor


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
    context = {
        "form": form,
        "users": accounts,
        "roles": Role.choices,
        "rule_form": TwoFactorRuleForm(instance=TwoFactorRule.load()),
    }
    return render(request, "accounts/users.html", context)


@authorize(Role.ADMIN)
@require_POST
def two_factor_rule(request: HttpRequest) -> HttpResponse:
    """Make two-step login mandatory, or optional again, for each role."""
    with transaction.atomic():
        rule = TwoFactorRule.objects.select_for_update().get(pk=TwoFactorRule.load().pk)
        old = rule.roles()
        form = TwoFactorRuleForm(request.POST, instance=rule)
        form.is_valid()  # Three boxes: any combination of them is valid.
        form.save()
        new = rule.roles()
        if new != old:
            audit.record(request, AuditAction.TWO_FACTOR_RULE, "", old=old, new=new)
    if new:
        messages.success(
            request,
            _(
                "Two-step login is now mandatory for: %(roles)s. Those who have not turned it "
                "on are asked to at their next page."
            )
            % {"roles": ", ".join(str(Role(role).label) for role in new)},
        )
    else:
        messages.success(request, _("Two-step login is optional for everyone."))
    return redirect("accounts:users")


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
        if remove_two_factor(user):
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
