"""Who did what with a mailing: the lists of the campaign report (opened, did not open,
clicked, bounced, unsubscribed, left a topic, converted; every recipient, the failed and those
not reached, with why), as ``values()`` querysets that a page can paginate and an export can
stream.

"Opened" and "did not open" are ``Event.opening``, as in the figures (pregon.reports.stats)
and the segment rules: a click counts as an open, Gmail's image proxy as a person, and the
events of machines (Apple Mail Privacy Protection, link scanners) are left out unless every
event is asked for.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Count, F, Min, Q, QuerySet, TextChoices
from django.db.models import Value as Constant
from django.db.models.functions import Coalesce, NullIf
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from pregon.campaigns import resend
from pregon.reports.stats import topic_opt_outs_of
from pregon.sending import unreached
from pregon.sending.models import (
    Bounce,
    BounceCause,
    BounceKind,
    BounceSource,
    Mailing,
    Message,
    MessageStatus,
    SkipReason,
)
from pregon.tracking import conversions
from pregon.tracking.forms import reason_text
from pregon.tracking.models import Event, EventKind

Value = str | int | datetime.datetime | None
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    # Codes shown by their label; exports give the words, then the code in a column of its own.
    choices: type[TextChoices] | None = None
    # Or a function that puts the stored value in words.
    words: Callable[[str], str] | None = None

    def shown(self, value: Value) -> Value:
        """``value`` as the page shows it: a code by its label."""
        if not value or not isinstance(value, str):
            return value
        if self.choices:
            return self.choices(value).label
        return self.words(value) if self.words else value

    @property
    def is_coded(self) -> bool:
        return self.choices is not None or self.words is not None

    def export_headers(self) -> tuple[str, ...]:
        """The export's header for this column, in the active language: its label, then for
        a stored code a column "<label> (code)" that a spreadsheet can count by."""
        label = str(self.label)
        if not self.is_coded:
            return (label,)
        return (label, gettext("%(column)s (code)") % {"column": label})

    def exported(self, value: Value) -> tuple[Value, ...]:
        """``value`` as the export writes it: as the page shows it, then the stored code."""
        if not self.is_coded:
            return (value,)
        shown = self.shown(value)
        return (str(shown) if shown is not None else None, value)


@dataclass(frozen=True)
class PeopleList:
    slug: str
    title: Promise
    columns: tuple[Column, ...]
    query: Callable[[Mailing, bool], QuerySet]

    def rows(self, mailing: Mailing, human: bool = True) -> QuerySet:
        """The list's rows: dicts with a value for each column (links as positions)."""
        return self.query(mailing, human)

    def cells(self, mailing: Mailing, row: dict[str, Value]) -> list[Value]:
        """``row``'s values in column order, a link position as the link's address."""
        values = []
        for column in self.columns:
            value = row[column.key]
            if column.key == "link" and isinstance(value, int) and value < len(mailing.links):
                value = mailing.links[value]
            values.append(value)
        return values

    def all_cells(self, mailing: Mailing, human: bool = True) -> Iterator[list[Value]]:
        """Every row's cells, read from the database in chunks."""
        for row in self.rows(mailing, human).iterator(chunk_size=CHUNK_SIZE):
            yield self.cells(mailing, row)


def _person() -> dict[str, F]:
    return {"first_name": F("contact__first_name"), "last_name": F("contact__last_name")}


def _event_person() -> dict[str, F]:
    return {
        "email": F("message__email"),
        "first_name": F("message__contact__first_name"),
        "last_name": F("message__contact__last_name"),
    }


def _opened(mailing: Mailing, human: bool) -> QuerySet:
    seen = Event.opening(human=human, through="events__")
    return (
        Message.objects.filter(seen, mailing=mailing)
        .values("email", **_person())
        .annotate(
            first_at=Min("events__at"),
            opens=Count("events", filter=Q(events__kind=EventKind.OPENED)),
            clicks=Count("events", filter=Q(events__kind=EventKind.CLICKED)),
        )
        .order_by("email")
    )


def _not_opened(mailing: Mailing, human: bool) -> QuerySet:
    # The same messages as a resend to those who did not open goes to.
    return (
        resend.not_opened(mailing.pk, human)
        .values("email", "sent_at", **_person())
        .order_by("email")
    )


def _clicked(mailing: Mailing, human: bool) -> QuerySet:
    return (
        Event.objects.filter(Event.clicking(human=human), message__mailing=mailing)
        .values("link", **_event_person())
        .annotate(first_at=Min("at"), clicks=Count("id"))
        .order_by("email", "link")
    )


def _bounced(mailing: Mailing, human: bool) -> QuerySet:
    return (
        Bounce.objects.filter(message__mailing=mailing)
        .values("email", "kind", "cause", "reason", "source", "at")
        .order_by("-at", "-id")
    )


def _events(kind: EventKind) -> Callable[[Mailing, bool], QuerySet]:
    def query(mailing: Mailing, human: bool) -> QuerySet:
        return (
            Event.objects.filter(kind=kind, message__mailing=mailing)
            .values("at", "detail", **_event_person())
            .order_by("-at", "-id")
        )

    return query


# A conversion recorded before the method was kept has none: this code stands for it in the
# list and its exports, next to the words that say so.
NOT_RECORDED = "unknown"


def _measured_by(code: str) -> str:
    return conversions.method_label("" if code == NOT_RECORDED else code)


def _converted(mailing: Mailing, human: bool) -> QuerySet:
    method = Coalesce(NullIf("method", Constant("")), Constant(NOT_RECORDED))
    return _events(EventKind.CONVERTED)(mailing, human).annotate(measured_by=method)


def _left_topic(mailing: Mailing, human: bool) -> QuerySet:
    topic = Coalesce(NullIf("mailing_list__public_name", Constant("")), "mailing_list__name")
    return (
        topic_opt_outs_of(mailing)
        .values(
            "at",
            email=F("contact__email"),
            first_name=F("contact__first_name"),
            last_name=F("contact__last_name"),
            topic=topic,
        )
        .order_by("-at", "-id")
    )


def _recipients(mailing: Mailing, human: bool) -> QuerySet:
    return (
        Message.objects.filter(mailing=mailing)
        .values("email", "status", "skip_reason", "sent_at", **_person())
        .order_by("email")
    )


def _failed(mailing: Mailing, human: bool) -> QuerySet:
    return (
        Message.objects.filter(mailing=mailing, status=MessageStatus.FAILED)
        .values("email", "smtp_code", "reply", **_person())
        .order_by("email")
    )


def _unreached(mailing: Mailing, human: bool) -> QuerySet:
    return (
        unreached.messages(mailing.pk)
        .values("email", "reason", "reply", **_person())
        .order_by("email")
    )


EMAIL = Column("email", _("Email address"))
FIRST_NAME = Column("first_name", _("First name"))
LAST_NAME = Column("last_name", _("Last name"))
PERSON = (EMAIL, FIRST_NAME, LAST_NAME)

LISTS = [
    PeopleList(
        "abrieron",
        pgettext_lazy("people list", "Opened"),
        (
            *PERSON,
            Column("first_at", _("First seen")),
            Column("opens", _("Opens")),
            Column("clicks", _("Clicks")),
        ),
        _opened,
    ),
    PeopleList(
        "no-abrieron",
        _("Did not open"),
        (*PERSON, Column("sent_at", pgettext_lazy("date column", "Sent"))),
        _not_opened,
    ),
    PeopleList(
        "clics",
        pgettext_lazy("report", "Clicked"),
        (
            *PERSON,
            Column("link", _("Link")),
            Column("clicks", _("Clicks")),
            Column("first_at", _("First click")),
        ),
        _clicked,
    ),
    PeopleList(
        "rebotes",
        pgettext_lazy("report", "Bounced"),
        (
            EMAIL,
            Column("kind", _("Kind"), BounceKind),
            Column("cause", _("Cause"), BounceCause),
            Column("reason", _("What the server said")),
            Column("source", _("Heard from"), BounceSource),
            Column("at", _("When")),
        ),
        _bounced,
    ),
    PeopleList(
        "bajas",
        pgettext_lazy("report", "Unsubscribed"),
        (*PERSON, Column("at", _("When")), Column("detail", _("Reason given"), words=reason_text)),
        _events(EventKind.UNSUBSCRIBED),
    ),
    PeopleList(
        "temas",
        _("Left a topic"),
        (*PERSON, Column("topic", _("Topic")), Column("at", _("When"))),
        _left_topic,
    ),
    PeopleList(
        "conversiones",
        pgettext_lazy("report", "Converted"),
        (
            *PERSON,
            Column("at", _("When")),
            Column("detail", _("Goal")),
            Column("measured_by", _("Measured by"), words=_measured_by),
        ),
        _converted,
    ),
    PeopleList(
        "destinatarios",
        _("All recipients"),
        (
            *PERSON,
            Column("status", _("Status"), MessageStatus),
            Column("skip_reason", _("Why it was skipped"), SkipReason),
            Column("sent_at", pgettext_lazy("date column", "Sent")),
        ),
        _recipients,
    ),
    PeopleList(
        "fallidos",
        pgettext_lazy("people list", "Failed"),
        (
            *PERSON,
            Column("smtp_code", _("Code")),
            Column("reply", _("What the server said")),
        ),
        _failed,
    ),
    PeopleList(
        "no-recibieron",
        _("Not reached"),
        (
            *PERSON,
            Column("reason", _("Why"), unreached.Reason),
            Column("reply", _("What the server said")),
        ),
        _unreached,
    ),
]
BY_SLUG = {people.slug: people for people in LISTS}
