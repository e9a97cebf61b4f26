"""Conversions of pop-ups: a pop-up's click lands on the classroom with
``pregon=<token(popup)>`` (pregon.popups.views.public.clicked), which the classroom's
conversion pixel (/t/v/<token>.gif, pregon.tracking.views.conversions) reports when the person
enrols. The pixel belongs to tracking, which may not import pop-ups: ``register`` gives it
``record`` as a reader of these tokens, from PopupsConfig.ready().

When the click came from a visitor the embed script knew (an identity token naming an email
message), the token names that message too, so that the conversion is the contact's: it
joins their history and the report's known people. One signed number carries both, the
message in the bits above ``POPUP_BITS``; a token of an anonymous click is the pop-up's id
alone.

A Moodle sync measures the same conversion another way, from the contact's new enrolment
(pregon.popups.moodle_conversions): the pixel counts a known visitor's conversion once per
pop-up, goal and contact whichever way was first, as the sync does.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pregon.lib import events, signing
from pregon.popups.models import Popup, PopupEvent, PopupEventKind
from pregon.sending.models import Message
from pregon.tracking import conversions
from pregon.tracking.models import ConversionMethod, hash_ip

KIND = "popup-conversion"
POPUP_BITS = 32


def token(popup_id: int, message_id: int | None = None) -> str:
    """The conversion token a click on ``popup_id`` carries to the classroom, naming the
    message of the visitor's identity when there is one."""
    return signing.sign(KIND, ((message_id or 0) << POPUP_BITS) | popup_id)


def read_token(token_text: str) -> tuple[int, int | None]:
    """The pop-up and the message (None for an anonymous click) a conversion token names.
    Raises ``signing.BadToken`` for a token we did not sign as one."""
    number = signing.unsign(KIND, token_text)
    return number & ((1 << POPUP_BITS) - 1), (number >> POPUP_BITS) or None


def record(token_text: str, goal: str, user_agent: str = "", ip: str | None = None) -> bool:
    """Record that the pop-up ``token_text`` names led to ``goal``, once per pop-up, goal and
    visitor's address (and once per contact, when the click was a known visitor's: it is the
    contact's), as the script measured it. False if the token is no pop-up's, or its pop-up
    was deleted."""
    try:
        popup_id, message_id = read_token(token_text)
    except signing.BadToken:
        return False
    ip_hash = hash_ip(ip)
    contact_id = (
        Message.objects.filter(pk=message_id).values_list("contact_id", flat=True).first()
        if message_id
        else None
    )
    with transaction.atomic():
        # The row lock makes "once" hold with two reports at once, as for messages.
        popup = Popup.objects.select_for_update().filter(pk=popup_id).first()
        if popup is None:
            return False
        # A sync's conversions have no address: they are never this visitor's by it.
        same = Q(ip_hash=ip_hash) & ~Q(method=ConversionMethod.MOODLE)
        if contact_id:
            same |= Q(contact_id=contact_id)
        done = PopupEvent.objects.filter(
            same, popup=popup, kind=PopupEventKind.CONVERTED, detail=goal
        )
        if not done.exists():
            PopupEvent.objects.create(
                popup=popup,
                kind=PopupEventKind.CONVERTED,
                detail=goal,
                method=ConversionMethod.SCRIPT,
                ip_hash=ip_hash,
                contact_id=contact_id,
            )
            payload = {"goal": goal, "method": ConversionMethod.SCRIPT, "popup": popup.pk}
            payload["message"] = message_id
            payload.update(contact=contact_id, at=timezone.now().isoformat())
            events.emit(events.CONVERSION, [payload])
    return True


def register() -> None:
    """Let the conversion pixel accept pop-up conversion tokens."""
    conversions.register_reader(record)
