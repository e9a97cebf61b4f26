"""Times a workflow computes, in the account's time zone (America/Lima): the end of a wait,
and the end of the quiet hours and days in which no email or SMS goes out."""

import datetime

from django.utils import timezone

from pregon.automation.models import Workflow


def wait_until(config: dict, now: datetime.datetime) -> datetime.datetime:
    """When a wait node with ``config`` ends for a contact who reaches it at ``now`` (for a
    wait until an event: when it stops waiting for it)."""
    mode = config.get("mode")
    if mode == "duration":
        return now + datetime.timedelta(minutes=config["minutes"])
    if mode == "until_date":
        moment = datetime.datetime.fromisoformat(config["date"])
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    if mode == "until_time":
        return next_time(datetime.time.fromisoformat(config["time"]), now)
    return now + datetime.timedelta(days=config["within_days"])


def next_time(at: datetime.time, now: datetime.datetime) -> datetime.datetime:
    """The next moment after ``now`` that the local clock reads ``at``."""
    local = timezone.localtime(now)
    moment = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return moment if moment > local else moment + datetime.timedelta(days=1)


def quiet_until(workflow: Workflow, now: datetime.datetime) -> datetime.datetime | None:
    """The end of the quiet time ``now`` falls in (None: ``now`` is not quiet)."""
    local = timezone.localtime(now)
    moved = False
    for _step in range(16):
        later = _out_of_quiet(workflow, local)
        if later is None:
            return local if moved else None
        local, moved = later, True
    return local


def _out_of_quiet(workflow: Workflow, local: datetime.datetime) -> datetime.datetime | None:
    """A later moment if ``local`` is quiet (a step towards the end), else None."""
    if local.weekday() in (workflow.quiet_days or []):
        next_day = (local + datetime.timedelta(days=1)).date()
        return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time()))
    start, end = workflow.quiet_from, workflow.quiet_to
    if start is None or end is None or start == end:
        return None
    clock = local.time()
    today_end = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if start < end:
        return today_end if start <= clock < end else None
    if clock >= start:
        return today_end + datetime.timedelta(days=1)
    return today_end if clock < end else None
