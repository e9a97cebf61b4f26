"""Access control for views: every logged-in view says which role it needs."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from pregon.accounts.models import TWO_FACTOR_RULE_FIELDS, Role, TwoFactorRule, User

View = Callable[..., HttpResponse]


def authorize(role: Role, *, setting_up_two_factor: bool = False) -> Callable[[View], View]:
    """Require a logged-in user with ``role`` or above, past two-factor if they enabled it,
    and with two-factor on if an administrator made it mandatory for their role (except on
    the pages that turn it on: ``setting_up_two_factor``).

    Anonymous users go to the login page; a user whose role is too low gets a 403 page.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_verified():
                has_device, is_required = two_factor_state(user)
                if has_device:
                    return redirect("accounts:verify")
                if is_required and not setting_up_two_factor:
                    return redirect("accounts:two_factor")
            if not user.has_role(role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def two_factor_state(user: User) -> tuple[bool, bool]:
    """Whether ``user`` has two-factor on, and whether an administrator made it mandatory
    for their role: in one query, which every page of a user not verified in this session
    pays (no more than asking for the device alone did)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    rule = TwoFactorRule.objects.filter(pk=1, **{TWO_FACTOR_RULE_FIELDS[Role(user.role)]: True})
    return (
        User.objects.filter(pk=user.pk)
        .annotate(has_device=Exists(confirmed), is_required=Exists(rule))
        .values_list("has_device", "is_required")
        .get()
    )


def needs_second_factor(request: HttpRequest) -> bool:
    """True if the user enabled two-factor but has not passed it in this session."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    if user.is_verified():
        return False
    # Backup codes exist only beside an authenticator app, so the app's device alone says
    # whether two-factor is on: one query, not one per kind of device, on every page.
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
