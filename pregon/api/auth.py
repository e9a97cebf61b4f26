"""Bearer-token authentication for the API, with the same roles as the UI."""

from django.http import HttpRequest
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from pregon.accounts.models import ApiToken, Role, User


class BearerToken(HttpBearer):
    """Accept ``Authorization: Bearer <token>`` from a user whose role is ``role`` or above.

    A missing, unknown or revoked token (or an inactive user) gives a 401; a good token whose
    user's role is too low gives a 403. Tokens are not cookies, so no CSRF check applies.
    """

    def __init__(self, role: Role) -> None:
        super().__init__()
        self.role = role

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = ApiToken.authenticate(token.strip())
        if user is None:
            return None
        if not user.has_role(self.role):
            raise AuthorizationError
        # Views and the audit log read request.user, as they do for a logged-in session.
        request.user = user
        return user


EDITOR = BearerToken(Role.EDITOR)
ANALYST = BearerToken(Role.ANALYST)
ADMIN = BearerToken(Role.ADMIN)
