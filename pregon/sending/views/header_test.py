""" "Send me a test": a real message through the backends, its headers explained."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.contacts.forms import bootstrap
from pregon.lib import vault
from pregon.sending import engine, headers
from pregon.sending.forms import HeaderTestForm
from pregon.sending.models import SenderIdentity
from pregon.sending.transports import Outcome


@dataclass
class _Body:
    html: str
    text: str


@dataclass
class _HeaderTest:
    """What ``engine.send_test_messages`` needs of a draft: a subject, a body, a sender."""

    subject: str
    template: _Body
    sender: SenderIdentity
    preheader: str = ""


def _header_test_draft(sender: SenderIdentity) -> _HeaderTest:
    """A short message that says what it is; it goes through the engine like any test."""
    about = _(
        "This message checks what Pregón adds to every message it sends: the sender, the "
        "return path, the DKIM signatures and the unsubscribe headers. The page you sent it "
        "from explains each one; your mail program shows them under “Show original”."
    )
    unsubscribe = _("Unsubscribe")
    # The body goes through the merge tags' Jinja like a campaign's: {{ enlace_baja }} is
    # the message's own unsubscribe address, and nothing else in it may look like a tag.
    html = (
        f"<html><body><p>{escape(about)}</p>"
        f'<p><a href="{{{{ enlace_baja }}}}">{escape(unsubscribe)}</a></p></body></html>'
    )
    text = f"{about}\n\n{unsubscribe}: {{{{ enlace_baja }}}}\n"
    return _HeaderTest(_("Message headers"), _Body(html, text), sender)


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def header_test(request: HttpRequest) -> HttpResponse:
    """ "Send me a test" (R19): send a real message through the backends in use and show
    the headers it went out with, each explained, and the relay's answer. Not billed."""
    form = HeaderTestForm(request.POST or None, initial={"address": request.user.email})
    sent = None
    if request.method == "POST" and form.is_valid():
        draft = _header_test_draft(form.cleaned_data["sender"])
        try:
            [sent] = engine.send_test_messages(draft, [form.cleaned_data["address"]])
        except vault.InvalidToken:
            form.add_error(
                None,
                _(
                    "A delivery backend's stored password or API key can no longer be read "
                    "(the encryption key changed); enter it again."
                ),
            )
    context = {
        "form": bootstrap(form),
        "has_senders": SenderIdentity.objects.exists(),
        "sent": sent,
        "accepted": sent is not None and sent.result.outcome == Outcome.SENT,
        "headers": headers.explain(sent.return_path, sent.data) if sent else [],
        "header_block": headers.header_block(sent.data) if sent else "",
    }
    return render(request, "sending/header_test.html", context)
