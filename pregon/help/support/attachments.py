"""What may come with a support request: a screenshot (PNG or JPEG), a PDF or a text file of
at most ``MAX_BYTES``, told by its content, never by its name."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
PDF_MAGIC = b"%PDF-"


def content_type(upload: UploadedFile) -> str:
    """The MIME type of ``upload`` as its bytes say; raises ``ValidationError`` with a
    message for a person when it is too large or no PNG, JPEG, PDF or text file."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file weighs %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1024 / 1024, 1), "limit": MAX_BYTES // 1024 // 1024}
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    found = _image_type(upload) or _pdf_or_text_type(upload)
    upload.seek(0)
    if not found:
        raise ValidationError(
            _("Attach a screenshot (PNG or JPEG), a PDF or a text file (.txt); this file is none.")
        )
    return found


def _image_type(upload: UploadedFile) -> str:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
            return IMAGE_TYPES.get(image.format or "", "")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        return ""


def _pdf_or_text_type(upload: UploadedFile) -> str:
    upload.seek(0)
    data = upload.read()
    if data.startswith(PDF_MAGIC):
        return "application/pdf"
    if not (upload.name or "").lower().endswith(".txt") or b"\0" in data:
        return ""
    # Notepad on Windows may still save in its old code page rather than UTF-8.
    for encoding in ("utf-8", "cp1252"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return "text/plain"
    return ""
