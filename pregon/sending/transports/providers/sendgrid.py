"""SendGrid (https://www.twilio.com/docs/sendgrid), through anymail's SendGrid backend."""

import warnings
from typing import Any

from anymail.exceptions import AnymailNotSupportedWarning
from django.utils.translation import gettext as _

from pregon.sending.models import BackendKind
from pregon.sending.transports.base import Outcome, Result
from pregon.sending.transports.providers.answers import check_answer
from pregon.sending.transports.providers.base import ProviderTransport

# Anymail 15 warns, each time its SendGrid backend is made, that it no longer supports
# SendGrid officially (anymail issue #432). The backend still works against SendGrid's v3 API,
# which our tests check; the warning is for us, not for whoever runs Pregón.
warnings.filterwarnings("ignore", category=AnymailNotSupportedWarning, module=r"anymail\.")

API_URLS = {
    "global": "https://api.sendgrid.com/v3/",
    "eu": "https://api.eu.sendgrid.com/v3/",
}


class SendGrid(ProviderTransport):
    """SendGrid; its ``region`` is "eu" only for an EU regional subuser."""

    kind = BackendKind.SENDGRID
    name = "SendGrid"
    spf = "include:sendgrid.net"
    tracks_unless_told = True

    @classmethod
    def where(cls, options: dict[str, Any]) -> str:
        return "EU" if options.get("region") == "eu" else ""

    def default_api_url(self) -> str:
        region = self.settings.options.get("region") or ""
        return API_URLS.get(region, API_URLS["global"])

    def anymail_backend(self) -> Any:
        from anymail.backends.sendgrid import EmailBackend

        return EmailBackend(
            api_key=self.settings.api_key, api_url=self.api_url, timeout=self.settings.timeout
        )

    def check_account(self) -> Result:
        """The key's scopes, which must include sending mail."""
        headers = {"Authorization": f"Bearer {self.settings.api_key}", "Accept": "application/json"}
        response = self._get("scopes", headers=headers)
        refused = check_answer(self.name, response)
        if refused:
            return refused
        if "mail.send" not in response.json().get("scopes", []):
            return Result(
                Outcome.FAILED, None, _("SendGrid accepted the API key, but it may not send mail.")
            )
        return Result(Outcome.SENT, None, _("SendGrid accepted the API key, which may send mail."))
