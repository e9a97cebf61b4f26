"""The known contacts who met a pop-up (saw, clicked, sent its form or converted), for its
report, its CSV export and the API: one grouped query, people's events only."""

from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.contacts.exports import CHUNK_SIZE, Cell, csv_download, local_time
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


def _line(person: Contact) -> list[Cell]:
    return [
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


def csv_response(popup: Popup) -> StreamingHttpResponse:
    """A CSV download of the pop-up's people, safe to open in a spreadsheet (no cell starts
    a formula), with times in the account's time zone, written while it is sent."""
    lines = (_line(person) for person in people(popup).iterator(chunk_size=CHUNK_SIZE))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_download(_header(), lines, f"ventana-emergente-{popup.id}-personas-{stamp}.csv")
