"""What visitors did with pop-ups (views, closes, clicks) reaches the database through the
tracking spool, as opens and clicks do (pregon.tracking.spool: one line appended to this
process's file for the second, no database on the request; flushed in batches, each file
once). These files end in ``SUFFIX``.

While flushing, ``flush`` adds what needs the database: the contact behind an identity token
(the email conversion token names a message, hence its contact), and the floods: past
``FLOOD_MARK`` events from one address in one minute, the rest of that minute's events are
flagged ``machine="flood"``. Events of pop-ups deleted meanwhile are dropped.
"""

import datetime
import time
from collections import Counter

from django.db.models import Count
from django.db.models.functions import TruncMinute
from django.utils import timezone

from pregon.forms import days
from pregon.popups.models import Popup, PopupEvent, PopupEventKind, Site
from pregon.sending.models import Message
from pregon.tracking import spool

SUFFIX = ".popups"
# A spooled row: at, popup, kind, visitor, message (identity) or None, site or None, page,
# course or None, device, machine, ip_hash.
WIDTH = 11
# More events than this from one address in one minute are a machine's, not a person's: no
# person views, closes and clicks pop-ups twice a second for a minute. A computer room of
# forty behind one address opening a page every ten seconds stays below it.
FLOOD_MARK = 240
FLOOD = "flood"
BOT = "bot"


def append(
    *,
    popup_id: int,
    kind: str,
    visitor: str,
    message_id: int | None,
    site_id: int | None,
    page: str,
    course_id: int | None,
    device: str,
    machine: str,
    ip_hash: str,
) -> None:
    """Spool one event; ``flush`` writes it to the database a few seconds later."""
    now = time.time()
    row = [now, popup_id, kind, visitor, message_id, site_id, page, course_id, device]
    spool.append_row(SUFFIX, now, [*row, machine, ip_hash])


def flush() -> int:
    """Write every finished spool file of pop-up events to the database; the number of
    events written."""
    return spool.flush_rows(SUFFIX, WIDTH, _write)


def _write(rows: list[list]) -> int:
    popups = set(Popup.objects.filter(pk__in={row[1] for row in rows}).values_list("pk", flat=True))
    sites = set(Site.objects.filter(pk__in={row[5] for row in rows}).values_list("pk", flat=True))
    contact_of = dict(
        Message.objects.filter(pk__in={row[4] for row in rows if row[4]}).values_list(
            "pk", "contact_id"
        )
    )
    events = []
    for row in sorted(rows, key=lambda row: row[0]):
        at, popup_id, kind, visitor, message_id, site_id, page, course_id, device = row[:9]
        if popup_id not in popups:
            continue
        events.append(
            PopupEvent(
                popup_id=popup_id,
                kind=kind,
                at=datetime.datetime.fromtimestamp(at, tz=datetime.UTC),
                visitor=str(visitor)[:32],
                contact_id=contact_of.get(message_id),
                site_id=site_id if site_id in sites else None,
                page=str(page)[:300],
                course_id=course_id,
                device=device,
                machine=row[9],
                ip_hash=row[10],
            )
        )
    _flag_floods(events)
    PopupEvent.objects.bulk_create(events, batch_size=spool.BATCH)
    _count_form_views(events)
    return len(events)


def _count_form_views(events: list[PopupEvent]) -> None:
    """A person's view of a pop-up that shows a signup form is a view of that form."""
    views = Counter(
        (event.popup_id, timezone.localdate(event.at))
        for event in events
        if event.kind == PopupEventKind.VIEWED and not event.machine
    )
    shown = Popup.objects.filter(pk__in={popup for popup, _day in views}, signup_form__isnull=False)
    form_of = dict(shown.values_list("pk", "signup_form_id"))
    for (popup_id, day), count in views.items():
        if popup_id in form_of:
            days.add(form_of[popup_id], "views", count=count, day=day)


def _flag_floods(events: list[PopupEvent]) -> None:
    """Flag the events past ``FLOOD_MARK`` in their address's minute, counting the events of
    that minute already stored (an earlier flush may have written part of it)."""
    addressed = [event for event in events if event.ip_hash]
    if not addressed:
        return
    minute = datetime.timedelta(minutes=1)
    first = min(event.at for event in addressed).replace(second=0, microsecond=0)
    last = max(event.at for event in addressed)
    stored = (
        PopupEvent.objects.filter(
            ip_hash__in={event.ip_hash for event in addressed}, at__gte=first, at__lt=last + minute
        )
        .annotate(minute=TruncMinute("at", tzinfo=datetime.UTC))
        .values_list("ip_hash", "minute")
        .annotate(count=Count("id"))
    )
    seen = Counter({(ip_hash, at): count for ip_hash, at, count in stored})
    for event in addressed:
        key = (event.ip_hash, event.at.replace(second=0, microsecond=0))
        seen[key] += 1
        if seen[key] > FLOOD_MARK and not event.machine:
            event.machine = FLOOD
