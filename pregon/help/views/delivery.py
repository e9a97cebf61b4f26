"""The delivery (R22): the manual as one PDF for everyone, and the checklist's screen."""

from django.http import FileResponse, HttpRequest

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.help.delivery import manual_pdf


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
