"""Transactional email: one message a person's own action calls for (a signup's
confirmation, its reminder, a welcome), sent through the same engine as campaigns.

Each message is a mailing of its own (``Mailing.purpose`` transactional) holding the
subject, body and sender as they were when it was asked for, the merge-tag values only it
has (``Mailing.values``), and an idempotency key, so asking twice sends once. It is signed,
relayed, billed and recorded like any email; the engine sends it to pending and
unsubscribed contacts too (never to bounced, complained or suppressed addresses) and
applies neither pauses nor the frequency cap. Its links are left as written (no click or
open tracking): a confirmation link must reach the person as it was signed.
"""

import hashlib

from django.db import IntegrityError, transaction

from pregon.contacts.models import Contact, Field
from pregon.content import mergetags
from pregon.content.models import EmailTemplate
from pregon.content.render import InvalidTemplate
from pregon.sending.models import Mailing, Message, Purpose, SenderIdentity


def send(
    contact: Contact,
    *,
    subject: str,
    template: EmailTemplate,
    sender: SenderIdentity,
    key: str,
    values: dict[str, str] | None = None,
) -> Message:
    """Queue one email of ``template`` to ``contact`` now; return its message.

    ``key`` (at most 200 characters, e.g. ``"signup:41:confirm"``) makes it idempotent: a key
    already used returns that key's message and queues nothing. ``values`` fills the built-in
    merge tags only this message has, by Spanish name or English alias
    (``{"enlace_confirmar": url}``). Raises ``InvalidTemplate`` if the subject's merge tags
    are wrong, and ``ValueError`` for a value of no built-in merge tag.
    """
    if existing := Message.objects.filter(mailing__key=key).first():
        return existing
    values = dict(values or {})
    if unknown := sorted(set(values) - mergetags.BUILT_IN_NAMES):
        raise ValueError(f"No built-in merge tag is called {', '.join(unknown)}.")
    if found := mergetags.problems(subject, Field.objects.values_list("key", flat=True)):
        raise InvalidTemplate(found)
    label = hashlib.sha256(f"transactional:{key}".encode()).hexdigest()[:32]
    try:
        with transaction.atomic():
            mailing = Mailing.objects.create(
                purpose=Purpose.TRANSACTIONAL,
                key=key,
                subject=subject,
                html=template.html,
                text=template.text,
                sender=sender,
                list_id=f"<{label}.{sender.domain.name}>",
                feedback_id="transactional:pregon",
                values={mergetags.NAMES[name]: str(value) for name, value in values.items()},
            )
            return Message.objects.create(mailing=mailing, contact=contact, email=contact.email)
    except IntegrityError:
        # Another process queued the same key a moment before: theirs is the message.
        return Message.objects.get(mailing__key=key)
