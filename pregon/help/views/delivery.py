"""The delivery (R22): the manual as one PDF for everyone, and the screen of the delivery
pack for administrators: the checklist's requirements with their evidence."""

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.help.delivery import checklist, evidence, manual_pdf
from pregon.sending import quota


@authorize(Role.ANALYST)
def manual_download(request: HttpRequest) -> FileResponse:
    """The user manual as one PDF with its screenshots, in the reader's language."""
    path = manual_pdf.cached()
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename="manual-pregon.pdf",
        content_type="application/pdf",
    )


@authorize(Role.ADMIN)
def delivery_index(request: HttpRequest) -> HttpResponse:
    """Each requirement of the tender with its evidence and what it lacks, the quota's term
    and how to build the pack."""
    rows = evidence.collect(checklist.load())
    settings = quota.read_settings()
    context = {
        "rows": rows,
        "complete": sum(1 for row in rows if not row.gaps),
        "delivered_on": settings.credentials_delivered_on,
        "term": quota.term(settings) if settings.credentials_delivered_on else None,
    }
    return render(request, "help/delivery.html", context)
