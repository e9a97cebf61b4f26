"""Access control for views: every logged-in view says which role it needs."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from pregon.accounts.models import Role, TwoFactorRule

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
            if needs_second_factor(request):
                return redirect("accounts:verify")
            if not setting_up_two_factor and must_set_up_two_factor(request):
                return redirect("accounts:two_factor")
            if not user.has_role(role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def must_set_up_two_factor(request: HttpRequest) -> bool:
    """True if an administrator made two-factor mandatory for the user's role and they have
    not turned it on. Call it after ``needs_second_factor``: a user who has it is verified."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    if user.is_verified() or not TwoFactorRule.load().applies_to(user):
        return False
    return not TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def needs_second_factor(request: HttpRequest) -> bool:
    """True if the user enabled two-factor but has not passed it in this session."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    if user.is_verified():
        return False
    # Backup codes exist only beside an authenticator app, so the app's device alone says
    # whether two-factor is on: one query, not one per kind of device, on every page.
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
