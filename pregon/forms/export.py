"""A signup form's signups as a CSV download, written while it is sent."""

import csv
import io
from collections.abc import Iterator
from itertools import islice

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from pregon.contacts.exports import CHUNK_SIZE, csv_text, local_time
from pregon.forms import stats
from pregon.forms.models import Signup, SignupForm
from pregon.lib.csvfile import neutralise


def _header() -> list[str]:
    return [
        _("Email address"),
        _("Status"),
        _("Signed up"),
        _("Confirmed on"),
        _("Where"),
        _("Consent text"),
    ]


def _line(signup: Signup) -> list[str]:
    cells = [
        neutralise(signup.email),
        str(signup.get_status_display()),
        local_time(signup.created_at),
        local_time(signup.confirmed_at),
        stats.channel_label(signup),
        neutralise(signup.consent_text),
    ]
    return [csv_text(cell) for cell in cells]


def _chunks(signups: QuerySet[Signup]) -> Iterator[str]:
    # The byte order mark makes Excel read the file as UTF-8.
    yield "\ufeff"
    buffer = io.StringIO()
    csv.writer(buffer).writerow(_header())
    yield buffer.getvalue()
    rows = signups.iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        buffer = io.StringIO()
        csv.writer(buffer).writerows(_line(signup) for signup in chunk)
        yield buffer.getvalue()


def csv_response(form: SignupForm, signups: QuerySet[Signup]) -> StreamingHttpResponse:
    """A CSV download of ``signups`` (of ``form``), safe to open in a spreadsheet (no cell
    starts a formula), with times in the account's time zone."""
    response = StreamingHttpResponse(_chunks(signups), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"formulario-{form.slug}-inscripciones-{stamp}.csv"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
