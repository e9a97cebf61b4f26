"""A signup form's signups as a CSV download, written while it is sent."""

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.contacts.exports import CHUNK_SIZE, Cell, csv_download, local_time
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


def _line(signup: Signup) -> list[Cell]:
    return [
        neutralise(signup.email),
        str(signup.get_status_display()),
        local_time(signup.created_at),
        local_time(signup.confirmed_at),
        stats.channel_label(signup),
        neutralise(signup.consent_text),
    ]


def csv_response(form: SignupForm, signups: QuerySet[Signup]) -> StreamingHttpResponse:
    """A CSV download of ``signups`` (of ``form``), safe to open in a spreadsheet (no cell
    starts a formula), with times in the account's time zone."""
    lines = (_line(signup) for signup in signups.iterator(chunk_size=CHUNK_SIZE))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_download(_header(), lines, f"formulario-{form.slug}-inscripciones-{stamp}.csv")
