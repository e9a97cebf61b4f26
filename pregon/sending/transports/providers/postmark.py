"""Postmark (https://postmarkapp.com/developer), through anymail's Postmark backend."""

from typing import Any

import requests
from django.utils.translation import gettext as _

from pregon.sending.models import BackendKind
from pregon.sending.transports.base import Outcome, Result
from pregon.sending.transports.providers.answers import check_answer
from pregon.sending.transports.providers.base import ProviderTransport

API_URL = "https://api.postmarkapp.com/"
# Postmark keeps bulk mail apart from transactional mail: campaigns must go through a
# Broadcasts message stream, and every server has one called "broadcast".
DEFAULT_STREAM = "broadcast"
# Postmark's ErrorCode values that are about our token, account, sender signature or stream
# (https://postmarkapp.com/developer/api/overview#error-codes), not about the message.
SETTINGS_CODES = frozenset({10, 400, 401, 405, 412, 1235})


class Postmark(ProviderTransport):
    """Postmark sends through one server (its API token) and one of its message streams, the
    backend's ``message_stream``."""

    kind = BackendKind.POSTMARK
    name = "Postmark"
    spf = "include:spf.mtasv.net"
    tracks_unless_told = True

    @property
    def message_stream(self) -> str:
        return self.settings.options.get("message_stream") or DEFAULT_STREAM

    @classmethod
    def where(cls, options: dict[str, Any]) -> str:
        return _("stream %(stream)s") % {"stream": options.get("message_stream", "")}

    def default_api_url(self) -> str:
        return API_URL

    def anymail_backend(self) -> Any:
        from anymail.backends.postmark import EmailBackend

        return EmailBackend(
            server_token=self.settings.api_key,
            message_stream=self.message_stream,
            api_url=self.api_url,
            timeout=self.settings.timeout,
        )

    def is_about_settings(self, response: requests.Response | None) -> bool:
        try:
            body = response.json()  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            return False
        code = body.get("ErrorCode") if isinstance(body, dict) else None
        return isinstance(code, int) and code in SETTINGS_CODES

    def check_account(self) -> Result:
        """The server, and the stream, which must be for broadcasts."""
        headers = {"X-Postmark-Server-Token": self.settings.api_key, "Accept": "application/json"}
        response = self._get("server", headers=headers)
        refused = check_answer(self.name, response)
        if refused:
            return refused
        server = response.json().get("Name", "")
        stream = self.message_stream
        response = self._get(f"message-streams/{stream}", headers=headers)
        refused = check_answer(self.name, response)
        if refused:
            reply = _("Message stream “%(stream)s”: %(reply)s") % {
                "stream": stream,
                "reply": refused.reply,
            }
            return Result(refused.outcome, None, reply)
        kind = response.json().get("MessageStreamType", "")
        if kind != "Broadcasts":
            return Result(
                Outcome.FAILED,
                None,
                _(
                    "The message stream “%(stream)s” of server “%(server)s” is %(kind)s: "
                    "Postmark only allows campaigns through a Broadcasts stream."
                )
                % {"stream": stream, "server": server, "kind": kind},
            )
        return Result(
            Outcome.SENT,
            None,
            _(
                "Postmark accepted the server token of “%(server)s”; stream “%(stream)s” is "
                "for broadcasts."
            )
            % {"server": server, "stream": stream},
        )
