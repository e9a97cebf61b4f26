"""Scaffolding for API tests: a token per user, and JSON requests that carry one."""

import json
from typing import Any

from django.http import HttpResponse
from django.test.client import Client

from pregon.accounts.models import ApiToken, User
from pregon.testing import BaseTestCase


class ApiTestCase(BaseTestCase):
    """BaseTestCase plus API tokens: ``self.token`` is bob's (an editor)."""

    def setUp(self) -> None:
        super().setUp()
        # CSRF is enforced as in production, to show that bearer tokens need no CSRF token.
        self.client = Client(enforce_csrf_checks=True)
        self.client.cookies["pregon_language"] = "en"
        self.token = self.token_for(self.bob)

    def token_for(self, user: User) -> str:
        return ApiToken.issue(user, "test")[1]

    def call(
        self, method: str, path: str, data: Any = None, *, token: str | None = None, **extra: Any
    ) -> HttpResponse:
        """Call /api/v1``path`` with bob's token, or ``token`` if given.

        ``data`` is the query string of a GET and the JSON body of anything else.
        """
        headers = {"Authorization": f"Bearer {token or self.token}"}
        request = getattr(self.client, method.lower())
        if data is None:
            return request("/api/v1" + path, headers=headers, **extra)
        if method.upper() == "GET":
            return request("/api/v1" + path, data, headers=headers, **extra)
        return request(
            "/api/v1" + path,
            json.dumps(data),
            content_type="application/json",
            headers=headers,
            **extra,
        )
