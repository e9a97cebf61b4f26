"""The live part of a campaign's report, read from a snapshot rather than computed at each
poll.

While a campaign is on its way, its report page asks for its live part every few seconds
(``views.campaign.POLL_SECONDS``). Computing it aggregates every message and event of the
mailing (``stats``): 0.9 s at 50,000 messages, seconds more at a million, and the same work
again at every poll of every open page. A poll reads the mailing's ``LiveFigures`` row
instead: one query, whatever the campaign's size. When that row is older than the poll
interval, the poll queues one refresh (``tasks.refresh_live_figures``) for a task worker,
which runs at a lower CPU priority than the web server (settings.BATCH_NICE), and answers
with what the row holds: the figures are at most one refresh behind, and however many
pages poll, one computation runs at a time per mailing. The report page itself, opened
once, computes its figures afresh and leaves them in the row for its polls.
"""

import datetime
from dataclasses import asdict

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from pregon.reports import stats
from pregon.reports.models import LiveFigures
from pregon.sending.models import Mailing

# A refresh queued this long ago and not written is taken as lost (its worker died): the
# next poll queues another.
QUEUED_FOR_TOO_LONG = datetime.timedelta(minutes=10)


def compute(mailing: Mailing) -> dict:
    """The figures, the clicks per link and the charts' data of ``mailing``, counting people
    only (``human``) and every event (``raw``), as JSON values."""
    data: dict = {"figures": asdict(stats.figures(mailing))}
    for name, human in (("human", True), ("raw", False)):
        data[name] = {
            "links": [asdict(link) for link in stats.clicks_per_link(mailing, human)],
            "hours": asdict(stats.by_hour_of_day(mailing, human)),
            "timeline": asdict(stats.over_time(mailing, human)),
            "clients": stats.mail_clients(mailing, human),
            "devices": stats.devices(mailing, human),
        }
    return data


def refresh(mailing: Mailing) -> dict:
    """Compute the mailing's live figures now and keep them for the polls, unless figures
    computed after this refresh started were kept meanwhile (a report page opened while a
    slow refresh ran): a slower, older count never replaces a newer one. What ``compute``
    returns."""
    started = timezone.now()
    data = compute(mailing)
    fields = {"data": data, "computed_at": started, "refresh_queued_at": None}
    older = LiveFigures.objects.filter(mailing=mailing, computed_at__lte=started)
    if not older.update(**fields):
        try:
            with transaction.atomic():
                LiveFigures.objects.create(mailing=mailing, **fields)
        except IntegrityError:
            pass  # A newer snapshot is there: keep it.
    return data


def latest(mailing: Mailing, fresh_for: datetime.timedelta) -> dict:
    """The mailing's live figures as last computed (computed here if they never were);
    when they are older than ``fresh_for``, one refresh is queued for a task worker. A poll
    reads the row with the campaign and its mailing (``select_related``), in one query."""
    try:
        row = mailing.live_figures
    except LiveFigures.DoesNotExist:
        return refresh(mailing)
    now = timezone.now()
    waiting = (
        row.refresh_queued_at is not None and row.refresh_queued_at >= now - QUEUED_FOR_TOO_LONG
    )
    # Most polls of a stale row find its refresh waiting, and write nothing.
    if row.computed_at < now - fresh_for and not waiting:
        _queue_refresh(mailing, now)
    return row.data


def _queue_refresh(mailing: Mailing, now: datetime.datetime) -> None:
    """Queue a refresh unless one is waiting: the conditional update lets one of the polls
    that saw the row stale at the same time queue it."""
    from pregon.reports import tasks

    waiting = Q(refresh_queued_at__isnull=False, refresh_queued_at__gte=now - QUEUED_FOR_TOO_LONG)
    claimed = (
        LiveFigures.objects.filter(mailing=mailing).exclude(waiting).update(refresh_queued_at=now)
    )
    if claimed:
        transaction.on_commit(lambda: tasks.refresh_live_figures.enqueue(mailing.pk))


def figures(data: dict) -> stats.Figures:
    """The ``stats.Figures`` that ``compute`` wrote as JSON values."""
    values = dict(data["figures"])
    values["skipped"] = stats.Skipped(**values["skipped"])
    values["human"] = stats.Engagement(**values["human"])
    values["raw"] = stats.Engagement(**values["raw"])
    return stats.Figures(**values)


def links(data: dict, human: bool) -> list[stats.LinkClicks]:
    """The clicks per link that ``compute`` wrote, people's (``human``) or every event's."""
    return [stats.LinkClicks(**link) for link in data["human" if human else "raw"]["links"]]
