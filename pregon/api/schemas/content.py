"""The schemas of routes_content.py: templates, their checks, compiling and previews, and
the gallery's designs."""

import datetime
from typing import Any
from uuid import UUID

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.api.schemas.base import InputSchema
from pregon.content.models import Format


def _checks(template: Any) -> list[dict[str, Any]]:
    """A template's stored checks, worded in the request's language."""
    return [check.as_dict() for check in template.check_results()]


class CheckOut(Schema):
    code: str = SchemaField(..., description=gettext_lazy("unsubscribe, alt, links, text or size."))
    level: str = SchemaField(
        ..., description=gettext_lazy("error (the template cannot be sent) or warning.")
    )
    message: str


class TemplateIn(InputSchema):
    name: str | None = SchemaField(
        None,
        description=gettext_lazy("Left out: the design's name, “Copy of …” or “Untitled message”."),
    )
    format: Format | None = SchemaField(None, description=gettext_lazy("Required with source."))
    source: str | None = SchemaField(
        None, description=gettext_lazy("MJML or HTML, with merge tags.")
    )
    gallery: str | None = SchemaField(
        None,
        description=gettext_lazy("Key of a gallery design, to start from it with the brand kit."),
    )
    # "copy" would shadow pydantic's BaseModel.copy, so the attribute has another name.
    copy_of: str | None = SchemaField(
        None, alias="copy", description=gettext_lazy("Code of a template.")
    )


class TemplatePatch(InputSchema):
    name: str | None = None
    source: str | None = None
    text: str | None = SchemaField(
        None,
        description=gettext_lazy(
            'The plain-text version; "" goes back to the one made from the HTML.'
        ),
    )


class TemplateSummaryOut(Schema):
    code: UUID
    name: str
    format: str
    is_text_custom: bool = SchemaField(
        ..., description=gettext_lazy("False while the text follows the HTML.")
    )
    checks: list[CheckOut] = SchemaField(
        ..., description=gettext_lazy("Pre-flight checks, errors first.")
    )
    is_ready: bool = SchemaField(..., description=gettext_lazy("True if no check is an error."))
    gallery_key: str = SchemaField(
        ..., description=gettext_lazy('The gallery design it started from, or "".')
    )
    created_at: datetime.datetime
    updated_at: datetime.datetime

    resolve_checks = staticmethod(_checks)


class TemplateOut(TemplateSummaryOut):
    source: str
    html: str = SchemaField(
        ..., description=gettext_lazy("Compiled, CSS inlined, merge tags left in.")
    )
    text: str


class CompileIn(InputSchema):
    format: Format
    source: str


class CompileOut(Schema):
    html: str
    text: str
    checks: list[CheckOut]

    resolve_checks = staticmethod(_checks)


class PreviewOut(Schema):
    html: str
    text: str


class GalleryOut(Schema):
    key: str
    name: str
    description: str
    category: str
    preview_url: str | None = SchemaField(
        ..., description=gettext_lazy("A PNG of the design, if there is one.")
    )


class GalleryDetailOut(GalleryOut):
    source: str = SchemaField(
        ..., description=gettext_lazy("The MJML, with the brand kit applied.")
    )
