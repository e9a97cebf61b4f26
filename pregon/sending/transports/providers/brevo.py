"""Brevo, formerly Sendinblue (https://developers.brevo.com), through anymail's Brevo backend."""

import re
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.utils.translation import gettext as _

from pregon.sending.models import BackendKind
from pregon.sending.transports.base import Outcome, Result
from pregon.sending.transports.providers.answers import check_answer
from pregon.sending.transports.providers.base import ProviderTransport

API_URL = "https://api.brevo.com/v3/"


class Brevo(ProviderTransport):
    """Brevo: an API key is all it needs. Its own tracking is off unless set up in Brevo
    (anymail could not switch it off)."""

    kind = BackendKind.BREVO
    name = "Brevo"
    spf = "include:spf.brevo.com"

    def default_api_url(self) -> str:
        return API_URL

    def anymail_backend(self) -> Any:
        from anymail.backends.brevo import EmailBackend

        return EmailBackend(
            api_key=self.settings.api_key, api_url=self.api_url, timeout=self.settings.timeout
        )

    def message_for(self, data: bytes, recipient: str) -> EmailMultiAlternatives:
        message = super().message_for(data, recipient)
        headers = message.extra_headers
        list_id = headers.get("List-Id", "")
        if "=?" in list_id or not list_id.isascii():
            # Brevo decodes encoded words and sends the header as raw 8-bit UTF-8. The
            # description before <list-id> is optional (RFC 2919 §3): drop it.
            match = re.search(r"<[^<>]*>", list_id)
            if match:
                headers["List-Id"] = match.group(0)
            else:
                del headers["List-Id"]
        return message

    def check_account(self) -> Result:
        """The account the key belongs to."""
        headers = {"api-key": self.settings.api_key, "Accept": "application/json"}
        response = self._get("account", headers=headers)
        refused = check_answer(self.name, response)
        if refused:
            return refused
        account = response.json()
        who = account.get("companyName") or account.get("email") or "?"
        return Result(
            Outcome.SENT, None, _("Brevo accepted the API key of %(who)s.") % {"who": who}
        )
