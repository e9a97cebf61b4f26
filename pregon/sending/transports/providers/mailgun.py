"""Mailgun (https://documentation.mailgun.com), through anymail's Mailgun backend."""

from typing import Any

from anymail.exceptions import AnymailConfigurationError
from django.utils.translation import gettext as _

from pregon.sending.models import BackendKind
from pregon.sending.transports.base import Outcome, Result
from pregon.sending.transports.providers.answers import check_answer
from pregon.sending.transports.providers.base import ProviderTransport

API_URLS = {"us": "https://api.mailgun.net/v3", "eu": "https://api.eu.mailgun.net/v3"}


class Mailgun(ProviderTransport):
    """Mailgun sends from one of the account's domains, the backend's ``sender_domain``; its
    ``region`` ("us" or "eu") is where that domain was created."""

    kind = BackendKind.MAILGUN
    name = "Mailgun"
    spf = "include:mailgun.org"
    tracks_unless_told = True

    @property
    def sender_domain(self) -> str:
        return self.settings.options.get("sender_domain") or ""

    @classmethod
    def where(cls, options: dict[str, Any]) -> str:
        region = str(options.get("region", "us")).upper()
        return f"{options.get('sender_domain', '')} ({region})"

    def default_api_url(self) -> str:
        region = self.settings.options.get("region") or ""
        return API_URLS.get(region, API_URLS["us"])

    def anymail_backend(self) -> Any:
        from anymail.backends.mailgun import EmailBackend

        if not self.sender_domain:
            raise AnymailConfigurationError("No Mailgun sending domain is set.")
        return EmailBackend(
            api_key=self.settings.api_key,
            sender_domain=self.sender_domain,
            api_url=self.api_url,
            timeout=self.settings.timeout,
        )

    def check_account(self) -> Result:
        """The sending domain, which must be active."""
        if not self.sender_domain:
            return Result(Outcome.FAILED, None, _("No Mailgun sending domain is set."))
        response = self._get(f"domains/{self.sender_domain}", auth=("api", self.settings.api_key))
        refused = check_answer(self.name, response)
        if refused:
            return refused
        domain = response.json().get("domain", {})
        state = domain.get("state", "unknown")
        if state != "active":
            return Result(
                Outcome.FAILED,
                None,
                _("Mailgun knows %(domain)s but it is %(state)s: finish setting it up in Mailgun.")
                % {"domain": domain.get("name", self.sender_domain), "state": state},
            )
        return Result(
            Outcome.SENT,
            None,
            _("Mailgun accepted the API key; %(domain)s is active.")
            % {"domain": domain.get("name")},
        )
