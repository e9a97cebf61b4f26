"""The known contacts who met a pop-up (saw, clicked, sent its form or converted), for its
report, its CSV export and the API: one grouped query, people's events only."""

import csv
import io
from collections.abc import Iterator
from itertools import islice

from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from pregon.contacts.exports import CHUNK_SIZE, csv_text, local_time
from pregon.contacts.models import Contact
from pregon.lib.csvfile import neutralise
from pregon.popups.models import Popup, PopupEventKind

EVENTS = "popup_events__"


def _kind(kind: str) -> Q:
    return Q(**{f"{EVENTS}kind": kind})


def people(popup: Popup) -> QuerySet[Contact]:
    """Contacts with a person's event of ``popup``, most recent first, each annotated with
    ``first_at`` and ``last_at`` (their first and last event) and their ``views``,
    ``clicks``, ``submissions`` and ``conversions``."""
    return (
        Contact.objects.filter(**{f"{EVENTS}popup": popup, f"{EVENTS}machine": ""})
        .annotate(
            first_at=Min(f"{EVENTS}at"),
            last_at=Max(f"{EVENTS}at"),
            views=Count(f"{EVENTS}id", filter=_kind(PopupEventKind.VIEWED)),
            clicks=Count(f"{EVENTS}id", filter=_kind(PopupEventKind.CLICKED)),
            submissions=Count(f"{EVENTS}id", filter=_kind(PopupEventKind.SUBMITTED)),
            conversions=Count(f"{EVENTS}id", filter=_kind(PopupEventKind.CONVERTED)),
        )
        .order_by("-last_at", "pk")
    )


def _header() -> list[str]:
    return [
        _("Email address"),
        _("First name"),
        _("Last name"),
        _("First time"),
        _("Last time"),
        _("Views"),
        _("Clicks"),
        _("Forms sent"),
        _("Conversions"),
    ]


def _line(person: Contact) -> list[str]:
    cells = [
        neutralise(person.email),
        neutralise(person.first_name),
        neutralise(person.last_name),
        local_time(person.first_at),
        local_time(person.last_at),
        person.views,
        person.clicks,
        person.submissions,
        person.conversions,
    ]
    return [csv_text(cell) for cell in cells]


def _chunks(popup: Popup) -> Iterator[str]:
    # The byte order mark makes Excel read the file as UTF-8.
    yield "\ufeff"
    buffer = io.StringIO()
    csv.writer(buffer).writerow(_header())
    yield buffer.getvalue()
    rows = people(popup).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        buffer = io.StringIO()
        csv.writer(buffer).writerows(_line(person) for person in chunk)
        yield buffer.getvalue()


def csv_response(popup: Popup) -> StreamingHttpResponse:
    """A CSV download of the pop-up's people, safe to open in a spreadsheet (no cell starts
    a formula), with times in the account's time zone, written while it is sent."""
    response = StreamingHttpResponse(_chunks(popup), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"ventana-emergente-{popup.id}-personas-{stamp}.csv"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
