"""The bounce mailbox form (pregon.tracking.mailbox_views)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from pregon.sending.forms import ServerLoginForm
from pregon.tracking.models import BounceMailbox


class BounceMailboxForm(ServerLoginForm):
    """A bounce mailbox, read over IMAP or POP3."""

    unencrypted_error = _("Without encryption only a mail server on this same server may be used.")
    mail_ports = (110, 143, 993, 995)

    field_order = [
        "protocol",
        "host",
        "port",
        "security",
        "username",
        "password",
        "folder",
        "is_active",
    ]

    class Meta:
        model = BounceMailbox
        fields = ["protocol", "host", "port", "security", "username", "folder", "is_active"]
        help_texts = {
            "host": _("The mail server that holds the mailbox, such as imap.example.gob.pe."),
            "port": _("Usually 993 for IMAP and 995 for POP3 with TLS; 143 and 110 otherwise."),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("password") and not self.instance.password:
            self.add_error("password", _("Enter the mailbox's password."))
        return cleaned

    def save(self, commit: bool = True) -> BounceMailbox:
        mailbox = super().save(commit=False)
        if password := self.encrypted_password():
            mailbox.password = password
        if commit:
            mailbox.save()
        return mailbox
