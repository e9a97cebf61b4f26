"""How a new template starts: from a gallery design, as a copy, or blank.

Each function returns the unsaved template, named as people see it, and the source to give
it with ``EmailTemplate.set_source``; the screens and the API both start templates here.
"""

from django.utils.translation import gettext as _

from pregon.content import gallery
from pregon.content.models import BrandKit, EmailTemplate, Format
from pregon.content.preview import gallery_images_url


def branded_source(key: str) -> str:
    """The MJML of gallery design ``key`` (or "blank") filled with the account's brand kit."""
    return _branded(EmailTemplate(), key)[1]


def _branded(template: EmailTemplate, key: str) -> tuple[EmailTemplate, str]:
    """``template`` noting the brand kit values, and design ``key`` filled with them."""
    template.brand = BrandKit.load().as_context()
    return template, gallery.instantiate(key, template.brand, gallery_images_url())


def from_gallery(entry: gallery.GalleryTemplate) -> tuple[EmailTemplate, str]:
    template = EmailTemplate(name=str(entry.name), format=Format.MJML, gallery_key=entry.key)
    return _branded(template, entry.key)


def copy_of(original: EmailTemplate) -> tuple[EmailTemplate, str]:
    """A copy keeps the original's plain text if a person wrote it."""
    name = _("Copy of %(name)s") % {"name": original.name}
    template = EmailTemplate(
        name=name[:150],
        format=original.format,
        gallery_key=original.gallery_key,
        text=original.text,
        is_text_custom=original.is_text_custom,
        brand=original.brand,
    )
    return template, original.source


def blank() -> tuple[EmailTemplate, str]:
    return _branded(EmailTemplate(name=_("Untitled message"), format=Format.MJML), "blank")
