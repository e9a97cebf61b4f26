"""Transactional email in the API's route table: one message to one address, from a
template with data, for other systems (the virtual classroom's enrolment confirmations).
api.py adds this router to its API.

Each request is ``pregon.sending.transactional.send``, the function signup forms use: a
mailing of its own, sent by the engine, signed (DKIM), counted on the balance and exempt
from pauses and the frequency cap. The ``Idempotency-Key`` header names the message: the
same key again (by the same user) answers the same message, 200 instead of 201, and sends
nothing. Each token may ask for ``settings.TRANSACTIONAL_PER_MINUTE`` messages a minute;
past it, a 429 with ``Retry-After``.
"""

import time
import uuid
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Status

from pregon.accounts import throttling
from pregon.api.errors import ErrorOut, get_or_404, invalid, not_found
from pregon.api.schemas.transactional import TransactionalIn, TransactionalOut
from pregon.contacts.models import Contact
from pregon.contacts.normalize import normalize_email
from pregon.content.models import EmailTemplate
from pregon.content.render import InvalidTemplate
from pregon.lib.formerrors import Errors
from pregon.sending import transactional
from pregon.sending.models import Mailing, Message, SenderIdentity
from pregon.tracking.models import EventKind

router = Router(tags=["transactional"])

ERRORS = {frozenset({400, 401, 403, 404, 422, 429}): ErrorOut}
# The keys of messages asked for through the API: "api:<user>:<Idempotency-Key>".
KEY_PREFIX = "api:"
KEY_MAX_LENGTH = 150
WINDOW = 60


def _too_many(request: HttpRequest) -> JsonResponse | None:
    """The 429 for a token past its limit this minute, or None (and the request counted)."""
    token = request.headers.get("Authorization", "").removeprefix("Bearer").strip()
    limit = settings.TRANSACTIONAL_PER_MINUTE
    if throttling.within_limit("api-transactional", [token], limit, WINDOW):
        return None
    detail = _(
        "This token asked for more than %(limit)s transactional emails this minute; try "
        "again after the time in the Retry-After header."
    ) % {"limit": limit}
    response = JsonResponse({"detail": detail, "errors": {}}, status=429)
    response["Retry-After"] = str(WINDOW - int(time.time()) % WINDOW)
    return response


def _key(request: HttpRequest) -> str:
    """The message's idempotency key: the header's, scoped to the user; a new one without."""
    raw = request.headers.get("Idempotency-Key", "").strip()
    if not raw:
        raw = uuid.uuid4().hex
    elif len(raw) > KEY_MAX_LENGTH or not raw.isascii() or not raw.isprintable():
        message = _("Send at most %(limit)d letters, digits or signs, without accents.") % {
            "limit": KEY_MAX_LENGTH
        }
        raise invalid({"Idempotency-Key": [message]})
    return f"{KEY_PREFIX}{request.user.pk}:{raw}"


def _unique(queryset: QuerySet) -> Any:
    """The row of a look-up by a unique key, or None: first() would compile and run an
    ORDER BY on every request for a single row."""
    return next(iter(queryset.order_by()[:1]), None)


def _sender(value: str) -> SenderIdentity | None:
    senders = SenderIdentity.objects.select_related("domain")
    try:
        return _unique(senders.filter(code=uuid.UUID(value)))
    except ValueError:
        return senders.filter(from_email__iexact=value.strip()).first()


def _template(value: str, errors: Errors) -> EmailTemplate | None:
    try:
        template = _unique(EmailTemplate.objects.filter(code=uuid.UUID(value)))
    except ValueError:
        template = None
    if template is None:
        errors["template"] = [_("There is no template with the code “%(code)s”.") % {"code": value}]
    elif not transactional.usable(template):
        message = _("The template “%(name)s” has errors to fix before it can be sent.")
        errors["template"] = [message % {"name": template.name}]
        return None
    return template


def _out(message: Message, new: bool = False) -> dict[str, Any]:
    """What the API says of ``message``; a ``new`` one has no events to look for."""
    kinds = set() if new else set(message.events.values_list("kind", flat=True).distinct())
    mailing = message.mailing
    return {
        "id": mailing.code,
        "to": message.email,
        "status": message.status,
        "skip_reason": message.skip_reason,
        "smtp_code": message.smtp_code,
        "reply": message.reply,
        "created_at": mailing.created_at,
        "sent_at": message.sent_at,
        "track_opens": mailing.track_opens,
        "track_clicks": bool(mailing.links),
        "opened": bool(kinds & {EventKind.OPENED, EventKind.CLICKED}),
        "clicked": EventKind.CLICKED in kinds,
    }


def _messages(request: HttpRequest) -> Any:
    """The transactional messages the API queued for the request's user (by any of their
    tokens): another user's are not theirs to look up, as their keys are not."""
    own = f"{KEY_PREFIX}{request.user.pk}:"
    return Message.objects.select_related("mailing").filter(mailing__key__startswith=own)


@router.post(
    "/transactional",
    response={200: TransactionalOut, 201: TransactionalOut, **ERRORS},
    summary=gettext_lazy("Send a transactional email"),
    description=gettext_lazy(
        "Send one email from a template to one address, now, such as an enrolment "
        "confirmation: signed, counted on the balance, but sent even to a contact who "
        "unsubscribed or paused emails, and outside the frequency cap (never to a bounced "
        "or suppressed address). `data` fills the template's merge tags for this message. "
        "Send an `Idempotency-Key` header (up to 150 characters, e.g. the enrolment's id): "
        "the same key again answers the same message with a 200 and sends nothing more. "
        "A token may ask for a limited number a minute; past it, a 429 with a "
        "`Retry-After` header in seconds."
    ),
)
def transactional_send(
    request: HttpRequest, payload: TransactionalIn
) -> Status[dict[str, Any]] | JsonResponse:
    if refusal := _too_many(request):
        return refusal
    key = _key(request)
    # A repeat is rare: asked first with a cheap probe, then read whole.
    if Mailing.objects.filter(key=key).exists():
        return Status(200, _out(_messages(request).get(mailing__key=key)))
    errors: Errors = {}
    try:
        address = normalize_email(payload.to)
    except ValueError as error:
        errors["to"] = [str(error)]
    template = _template(payload.template, errors)
    sender = _sender(payload.sender)
    if sender is None:
        message = _("There is no sender identity with the code or address “%(value)s”.")
        errors["sender"] = [message % {"value": payload.sender}]
    if errors:
        raise invalid(errors)
    recipient = _unique(Contact.objects.only("email").filter(email=address)) or address
    try:
        message = transactional.send(
            recipient,
            subject=payload.subject,
            template=template,
            sender=sender,
            key=key,
            values=payload.data,
            track_opens=payload.track_opens,
            track_clicks=payload.track_clicks,
        )
    except InvalidTemplate as error:
        raise invalid({"subject": [str(problem) for problem in error.problems]}) from None
    except ValueError as error:
        raise invalid({"data": [str(error)]}) from None
    return Status(201, _out(message, new=True))


@router.get(
    "/transactional/{id}",
    response={200: TransactionalOut, **ERRORS},
    summary=gettext_lazy("Get a transactional email's status"),
    description=gettext_lazy(
        "Whether it is queued, sent, failed or skipped, the relay's answer, and, if they "
        "are counted, whether it was opened and clicked. Only the emails sent with the "
        "same user's tokens."
    ),
)
def transactional_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    try:
        code = uuid.UUID(id)
    except ValueError:
        raise not_found() from None
    return _out(get_or_404(_messages(request), mailing__code=code))
