"""A campaign's event log: every open, click, unsubscribe and conversion of its messages, and
every bounce and complaint, in one shape, oldest first (the API exports it page by page)."""

from typing import Any

from django.db.models import CharField, F, IntegerField, QuerySet, Value

from pregon.sending.models import Bounce, BounceKind, Mailing
from pregon.tracking.models import Event


def _columns(**columns: object) -> dict[str, object]:
    """The event columns besides kind and at, under names of their own: a UNION needs both
    sides in one order, and Django puts model fields before expressions."""
    return {f"row_{name}": value for name, value in columns.items()}


def _rows(mailing: Mailing, kind: str | None) -> QuerySet:
    """Events and bounces in one shape, oldest first, as a UNION of two ``values()``."""
    text = CharField()
    events = Event.objects.filter(message__mailing=mailing).values(
        "kind",
        "at",
        **_columns(
            email=F("message__email"),
            link=F("link"),
            client=F("client"),
            device=F("device"),
            machine=F("machine"),
            detail=F("detail"),
            source=Value("", output_field=text),
            cause=Value("", output_field=text),
        ),
    )
    bounces = Bounce.objects.filter(message__mailing=mailing).values(
        "kind",
        "at",
        **_columns(
            email=F("email"),
            link=Value(None, output_field=IntegerField()),
            client=Value("", output_field=text),
            device=Value("", output_field=text),
            machine=Value("", output_field=text),
            detail=F("reason"),
            source=F("source"),
            cause=F("cause"),
        ),
    )
    if kind in BounceKind.values:
        return bounces.filter(kind=kind).order_by("at")
    if kind:
        return events.filter(kind=kind).order_by("at")
    # Bounce.Meta.ordering must go: no ORDER BY is allowed inside a UNION's parts.
    return events.order_by().union(bounces.order_by(), all=True).order_by("at")


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
