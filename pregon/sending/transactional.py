"""Transactional email: one message a person's own action calls for (a signup's
confirmation, its reminder, a welcome, an enrolment confirmation the virtual classroom asks
for through the API), sent through the same engine as campaigns.

Each message is a mailing of its own (``Mailing.purpose`` transactional) holding the
subject, body and sender as they were when it was asked for, the merge-tag values only it
has (``Mailing.values``), and an idempotency key, so asking twice sends once. It is signed,
relayed, billed and recorded like any email; the engine sends it to pending and
unsubscribed contacts, and to addresses that are no contact at all, too (never to bounced,
complained or suppressed addresses) and applies neither pauses nor the frequency cap. Its
links are left as written unless click tracking is asked for: a confirmation link must
reach the person as it was signed, and merge-tag links are never tracked anyway.
"""

import hashlib

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pregon.contacts.models import Contact, Field
from pregon.content import mergetags
from pregon.content.models import EmailTemplate
from pregon.content.preflight import ERROR
from pregon.content.render import InvalidTemplate
from pregon.sending import links
from pregon.sending.models import Mailing, Message, Purpose, SenderIdentity

# The message's own links, which the engine signs for it: no caller may replace them.
SIGNED_LINKS = frozenset(
    {
        "enlace_baja",
        "unsubscribe_url",
        "enlace_preferencias",
        "preferences_url",
        "ver_en_navegador",
        "view_in_browser",
    }
)


def usable(template: EmailTemplate) -> bool:
    """Whether ``template`` may be sent as a transactional email: none of its checks found
    an error, but for a missing unsubscribe link, which a message a person asked for by
    their own action need not have."""
    return not any(
        check["level"] == ERROR and check["code"] != "unsubscribe" for check in template.checks
    )


def send(
    recipient: Contact | str,
    *,
    subject: str,
    template: EmailTemplate,
    sender: SenderIdentity,
    key: str,
    values: dict[str, object] | None = None,
    track_opens: bool = False,
    track_clicks: bool = False,
) -> Message:
    """Queue one email of ``template`` to ``recipient`` (a contact, or an address that is
    none) now; return its message.

    ``key`` (at most 200 characters, e.g. ``"signup:41:confirm"``) makes it idempotent: a key
    already used returns that key's message and queues nothing. ``values`` fills merge tags
    for this message only: built-in ones by Spanish name or English alias
    (``{"enlace_confirmar": url}``, ``{"nombre": "Ana"}`` for an address that is no
    contact) and custom fields by key; they win over the contact's own data. Opens and
    clicks are counted if asked. Raises ``InvalidTemplate`` if the subject's merge tags are
    wrong, and ``ValueError`` for a value of no merge tag, or of a signed link.
    """
    values = dict(values or {})
    field_keys = set(Field.objects.values_list("key", flat=True))
    if unknown := sorted(set(values) - mergetags.BUILT_IN_NAMES - field_keys):
        raise ValueError(
            _("There is no merge tag “%(names)s”: use a built-in one or a custom field's key.")
            % {"names": ", ".join(unknown)}
        )
    if fixed := sorted(set(values) & SIGNED_LINKS):
        raise ValueError(
            _("“%(names)s” is the message's own signed link and cannot be given.")
            % {"names": ", ".join(fixed)}
        )
    if found := mergetags.problems(subject, field_keys):
        raise InvalidTemplate(found)
    contact = recipient if isinstance(recipient, Contact) else None
    email = contact.email if contact is not None else recipient
    html, urls = links.prepare(template.html, clicks=track_clicks, opens=track_opens)
    label = hashlib.sha256(f"transactional:{key}".encode()).hexdigest()[:32]
    try:
        with transaction.atomic():
            mailing = Mailing.objects.create(
                purpose=Purpose.TRANSACTIONAL,
                key=key,
                subject=subject,
                html=html,
                links=urls,
                track_opens=track_opens,
                text=template.text,
                sender=sender,
                list_id=f"<{label}.{sender.domain.name}>",
                feedback_id="transactional:pregon",
                values={
                    mergetags.NAMES.get(name, name): str(value) for name, value in values.items()
                },
            )
            return Message.objects.create(mailing=mailing, contact=contact, email=email)
    except IntegrityError:
        # The key was used before (or by another process a moment ago): its message it is.
        # Not looked up first: callers that may repeat a key (the API) look it up before
        # they check their input, and a query on every new message costs more than a
        # rolled-back insert on a rare repeat.
        return Message.objects.get(mailing__key=key)
