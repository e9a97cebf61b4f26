"""Who a visitor is: the identity token the embed script keeps.

A click on a tracked email link lands on the classroom with ``?pregon=<token>``, the email
conversion token (pregon.tracking.conversions), which names a message, hence a contact. The
script sends it with every beacon, click and form (``t``) and asks /p/i/ whether it is
known (``identify``), and which segment-targeted pop-ups the contact may see.
"""

from pregon.contacts import segments
from pregon.contacts.models import Contact
from pregon.lib import signing
from pregon.popups import conversions as popup_conversions
from pregon.popups.models import Audience, Popup, PopupStatus
from pregon.sending.models import Message
from pregon.tracking import conversions


def message_of(token: str) -> int | None:
    """The message an identity token names; None for no token. Raises ``signing.BadToken``
    for a token we did not sign as an email conversion token."""
    token = (token or "").strip()
    return conversions.read_token(token) if token else None


def identify(token: str) -> tuple[bool, list[int]]:
    """Whether ``token`` names a contact, and the live segment-targeted pop-ups whose segment
    holds that contact. A pop-up's conversion token, or a deleted message's, is valid and
    unknown. Raises ``signing.BadToken`` for a forged or malformed token."""
    try:
        message_id = message_of(token)
    except signing.BadToken:
        popup_conversions.read_token(token.strip())  # Raises if nobody's.
        return False, []
    contact_id = (
        Message.objects.filter(pk=message_id).values_list("contact_id", flat=True).first()
        if message_id is not None
        else None
    )
    if contact_id is None:
        return False, []
    targeted = Popup.objects.filter(audience=Audience.KNOWN, segment__isnull=False)
    contact = Contact.objects.filter(pk=contact_id)
    shown = []
    for popup in targeted.select_related("segment"):
        if popup.status() != PopupStatus.LIVE:
            continue
        try:
            if segments.filter_contacts(popup.segment.rules, contact).exists():
                shown.append(popup.pk)
        except ValueError:
            continue  # A segment whose rules no longer hold (a field removed) matches nobody.
    return True, shown
