"""The schemas of routes_segments.py: saved segments and their counts."""

import datetime
from typing import Any
from uuid import UUID

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.api.schemas.base import InputSchema
from pregon.contacts.models import Segment


class SegmentIn(InputSchema):
    name: str
    rules: dict[str, Any] = SchemaField(
        ..., description=gettext_lazy("A rule tree; see the segment builder.")
    )


class SegmentPatch(InputSchema):
    name: str | None = None
    rules: dict[str, Any] | None = None


class SegmentOut(Schema):
    code: UUID
    name: str
    rules: dict[str, Any]
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_rules(segment: Segment) -> dict[str, Any]:
        return segment.rules or {}


class RulesIn(InputSchema):
    rules: dict[str, Any]


class CountOut(Schema):
    count: int
