"""A signup form's figures, from its days (``FormDay``: views, submissions past the defences
and confirmations, per Lima day) and its signups, for the list, the report page and the API.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from pregon.forms.models import FormDay, Signup, SignupForm

FIGURES = ("views", "submissions", "confirmations")
# Where a signup came from (``Signup.channel``), as the report and its export say it.
CHANNELS = {"page": _("Its page"), "embed": _("Embedded in a site"), "popup": _("Pop-up")}


def confirmation_rate(confirmations: int, submissions: int) -> float | None:
    """Confirmations per hundred submissions, or None before the first submission."""
    return confirmations / submissions * 100 if submissions else None


def _with_rate(counts: dict) -> dict:
    counts["confirmation_rate"] = confirmation_rate(counts["confirmations"], counts["submissions"])
    return counts


def _sums() -> dict[str, Coalesce]:
    return {name: Coalesce(Sum(name), 0) for name in FIGURES}


def figures(form: SignupForm) -> dict:
    """Views, submissions, confirmations and the confirmation rate (confirmations per
    hundred submissions, None without submissions), in one query."""
    return _with_rate(FormDay.objects.filter(form=form).aggregate(**_sums()))


def figures_of(forms: Iterable[SignupForm]) -> dict[int, dict]:
    """``figures`` of several forms at once, by form id, in one query."""
    ids = [form.id for form in forms]
    rows = FormDay.objects.filter(form__in=ids).values("form").annotate(**_sums()).order_by()
    found = {row.pop("form"): row for row in rows}
    empty = dict.fromkeys(FIGURES, 0)
    return {id_: _with_rate(dict(found.get(id_, empty))) for id_ in ids}


@dataclass(frozen=True)
class Series:
    """Views, submissions and confirmations on each day of ``labels`` (ISO dates)."""

    labels: list[str]
    views: list[int]
    submissions: list[int]
    confirmations: list[int]


def by_day(form: SignupForm) -> Series:
    """The figures per Lima day from the first day with any to the last, with the empty
    days in between."""
    days = {row.day: row for row in FormDay.objects.filter(form=form)}
    if not days:
        return Series([], [], [], [])
    labels: list[str] = []
    series: dict[str, list[int]] = {name: [] for name in FIGURES}
    day, last = min(days), max(days)
    while day <= last:
        row = days.get(day)
        labels.append(day.isoformat())
        for name in FIGURES:
            series[name].append(getattr(row, name) if row else 0)
        day += datetime.timedelta(days=1)
    return Series(labels, **series)


def signups(form: SignupForm) -> QuerySet[Signup]:
    """The form's signups, the latest first."""
    return Signup.objects.filter(form=form).select_related("contact").order_by("-created_at", "-id")


def channel_label(signup: Signup) -> str:
    """Where ``signup`` came from, in words."""
    return str(CHANNELS.get(signup.channel, signup.channel))
