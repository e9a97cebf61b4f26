"""The schemas of routes_imports.py: contact imports."""

import datetime
from uuid import UUID

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema


class ImportOut(Schema):
    code: UUID
    status: str = SchemaField(
        ..., description=gettext_lazy("uploaded, queued, running, done or failed.")
    )
    file_name: str
    mapping: dict[str, str] = SchemaField(
        ..., description=gettext_lazy("Column number -> where it went.")
    )
    total_rows: int = SchemaField(
        ..., description=gettext_lazy("An estimate until the import has run.")
    )
    processed_rows: int
    percent: int
    created_count: int
    updated_count: int
    skipped_count: int
    rejected_count: int
    error: str
    report_url: str | None = SchemaField(
        ..., description=gettext_lazy("The CSV of rejected rows and why, once the import has run.")
    )
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
