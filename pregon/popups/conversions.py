"""Conversions of pop-ups: a pop-up's click lands on the classroom with
``pregon=<token(popup)>`` (pregon.popups.views.public.clicked), which the classroom's
conversion pixel (/t/v/<token>.gif, pregon.tracking.views.conversions) reports when the person
enrols. The pixel belongs to tracking, which may not import pop-ups: ``register`` gives it
``record`` as a reader of these tokens, from PopupsConfig.ready().
"""

from django.db import transaction

from pregon.lib import signing
from pregon.popups.models import Popup, PopupEvent, PopupEventKind
from pregon.tracking import conversions
from pregon.tracking.models import hash_ip

KIND = "popup-conversion"


def token(popup_id: int) -> str:
    return signing.sign(KIND, popup_id)


def record(token_text: str, goal: str, user_agent: str = "", ip: str | None = None) -> bool:
    """Record that the pop-up ``token_text`` names led to ``goal``, once per pop-up, goal and
    visitor's address. False if the token is no pop-up's, or its pop-up was deleted."""
    try:
        popup_id = signing.unsign(KIND, token_text)
    except signing.BadToken:
        return False
    ip_hash = hash_ip(ip)
    with transaction.atomic():
        # The row lock makes "once" hold with two reports at once, as for messages.
        popup = Popup.objects.select_for_update().filter(pk=popup_id).first()
        if popup is None:
            return False
        done = PopupEvent.objects.filter(
            popup=popup, kind=PopupEventKind.CONVERTED, detail=goal, ip_hash=ip_hash
        )
        if not done.exists():
            PopupEvent.objects.create(
                popup=popup, kind=PopupEventKind.CONVERTED, detail=goal, ip_hash=ip_hash
            )
    return True


def register() -> None:
    """Let the conversion pixel accept pop-up conversion tokens."""
    conversions.register_reader(record)
