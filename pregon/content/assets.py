"""The image library: checking, resizing and storing uploaded images with Pillow."""

import io
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from pregon.content.models import Asset

# Twice the 600 px of an email's body, for sharp images on high-density screens.
MAX_WIDTH = 1200
# Refuse images that would take too much memory to open (a "decompression bomb").
MAX_PIXELS = 40_000_000
# What mail clients show. WebP is turned into PNG: Outlook for Windows cannot show it.
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/png"}


def store_image(upload: UploadedFile, user: object | None = None) -> Asset:
    """Check ``upload``, shrink it to ``MAX_WIDTH`` and save it in the library.

    Raises ``ValidationError`` with a message for a person when the file is too large or is
    not a PNG, JPEG, GIF or WebP image. Metadata such as a photo's GPS position is dropped.
    """
    if upload.size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The image weighs %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": round(upload.size / 1024 / 1024, 1),
                "limit": settings.IMAGE_MAX_BYTES // 1024 // 1024,
            }
        )
    try:
        image = Image.open(upload)
        image_format = image.format
        if image_format not in FORMATS:
            raise UnidentifiedImageError
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(_("The image is too large in pixels; make it smaller first."))
        # An animated GIF or PNG is kept as it came (mail clients that cannot play it show its
        # first frame); an animated WebP becomes a PNG of its first frame, like any WebP.
        animated = getattr(image, "is_animated", False) and image_format in ("GIF", "PNG")
        if not animated:
            image = ImageOps.exif_transpose(image)
            image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not an image we can use. Upload a PNG, JPEG, GIF or WebP image.")
        ) from None
    stem = PurePath(upload.name or "imagen").stem[:200] or "imagen"
    if animated:
        # Re-encoding would lose the animation, so an animated image is kept as it came.
        upload.seek(0)
        data, extension = upload.read(), image_format.lower()
    else:
        data, extension = _encode(image, image_format)
    asset = Asset(
        name=stem,
        content_type=FORMATS[image_format],
        width=image.width,
        height=image.height,
        size=len(data),
        created_by=user,
    )
    if not animated and image.width > MAX_WIDTH:
        asset.width, asset.height = MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)
    asset.file.save(f"{asset.code}.{extension}", ContentFile(data), save=False)
    asset.save()
    return asset


def _encode(image: Image.Image, image_format: str) -> tuple[bytes, str]:
    """The image shrunk to ``MAX_WIDTH`` and encoded again, with its file extension."""
    if image.width > MAX_WIDTH:
        height = round(image.height * MAX_WIDTH / image.width)
        image = image.resize((MAX_WIDTH, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
        return buffer.getvalue(), "jpg"
    if image_format == "GIF":
        image.save(buffer, "GIF", optimize=True)
        return buffer.getvalue(), "gif"
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue(), "png"
