"""A campaign's event log: every open, click, unsubscribe and conversion of its messages,
every bounce and complaint, and every topic left from them, in one shape, oldest first (the
API exports it page by page)."""

from typing import Any

from django.db.models import CharField, F, IntegerField, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from pregon.reports import stats
from pregon.sending.models import Bounce, BounceKind, Mailing
from pregon.tracking.models import Event

# The kind a topic left (pregon.contacts.preferences) has in the log.
LEFT_TOPIC = "left_topic"


def _columns(**columns: object) -> dict[str, object]:
    """Every column under a name of its own, as an expression: a UNION needs its parts'
    columns in one order, and Django puts model fields before expressions."""
    return {f"row_{name}": value for name, value in columns.items()}


def _rows(mailing: Mailing, kind: str | None) -> QuerySet:
    """Events, bounces and topics left in one shape, oldest first, as a UNION of three
    ``values()``."""
    text = CharField()
    nothing = Value("", output_field=text)
    events = Event.objects.filter(message__mailing=mailing).values(
        **_columns(
            kind=F("kind"),
            at=F("at"),
            email=F("message__email"),
            link=F("link"),
            client=F("client"),
            device=F("device"),
            machine=F("machine"),
            detail=F("detail"),
            source=nothing,
            cause=nothing,
            method=F("method"),
        ),
    )
    bounces = Bounce.objects.filter(message__mailing=mailing).values(
        **_columns(
            kind=F("kind"),
            at=F("at"),
            email=F("email"),
            link=Value(None, output_field=IntegerField()),
            client=nothing,
            device=nothing,
            machine=nothing,
            detail=F("reason"),
            source=F("source"),
            cause=F("cause"),
            method=nothing,
        ),
    )
    topics = stats.topic_opt_outs_of(mailing).values(
        **_columns(
            kind=Value(LEFT_TOPIC, output_field=text),
            at=F("at"),
            email=F("contact__email"),
            link=Value(None, output_field=IntegerField()),
            client=nothing,
            device=nothing,
            machine=nothing,
            detail=Coalesce(NullIf("mailing_list__public_name", nothing), "mailing_list__name"),
            source=nothing,
            cause=nothing,
            method=nothing,
        ),
    )
    if kind in BounceKind.values:
        return bounces.filter(kind=kind).order_by("row_at")
    if kind == LEFT_TOPIC:
        return topics.order_by("row_at")
    if kind:
        return events.filter(kind=kind).order_by("row_at")
    # Models' Meta.ordering must go: no ORDER BY is allowed inside a UNION's parts.
    parts = (bounces.order_by(), topics.order_by())
    return events.order_by().union(*parts, all=True).order_by("row_at")


class EventLog:
    """The events of ``mailing`` (only those of ``kind``, if given) as dicts, oldest first,
    sliceable page by page; a click's ``url`` is its link's address."""

    def __init__(self, mailing: Mailing, kind: str | None = None) -> None:
        self.rows = _rows(mailing, kind)
        self.links = mailing.links

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        items = []
        for row in self.rows[page]:
            link = row["row_link"]
            url = self.links[link] if link is not None and link < len(self.links) else ""
            fields = {name.removeprefix("row_"): value for name, value in row.items()}
            items.append({**fields, "url": url})
        return items
