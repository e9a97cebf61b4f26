"""Messages' facts announced on the event bus (``pregon.lib.events``): delivered, bounced,
complained here; opened, clicked and converted by tracking, which calls ``messages`` too.

Each payload names the message, its contact, its mailing and the campaign that made the
mailing (None for others, such as an automation's), and the channel.
"""

from django.utils import timezone

from pregon.lib import events
from pregon.sending.models import Message

BATCH = 1000


def messages(name: str, items: list[tuple[int, dict]]) -> None:
    """Emit ``name`` once per (message id, extra values) of ``items``, in batches; one query
    for all the messages. A message deleted meanwhile is left out."""
    if not items:
        return
    about = {
        pk: {"message": pk, "contact": contact, "mailing": mailing, "campaign": campaign}
        for pk, contact, mailing, campaign in Message.objects.filter(
            pk__in={pk for pk, _extra in items}
        ).values_list("pk", "contact_id", "mailing_id", "mailing__campaign")
    }
    at = timezone.now().isoformat()
    payloads = [
        {**about[pk], "channel": "email", "at": at, **extra} for pk, extra in items if pk in about
    ]
    for start in range(0, len(payloads), BATCH):
        events.emit(name, payloads[start : start + BATCH])
