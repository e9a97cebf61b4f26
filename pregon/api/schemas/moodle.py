"""The schemas of routes_moodle.py: the synced courses and the syncs."""

import datetime
from typing import Literal

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.api.schemas.base import InputSchema
from pregon.moodle.models import Course, SyncRun


class CourseOut(Schema):
    moodle_id: int = SchemaField(
        ..., description=gettext_lazy("The course's id in Moodle (the id= of its address).")
    )
    fullname: str
    shortname: str
    category_moodle_id: int | None
    category_name: str | None
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    visible: bool
    completion_enabled: bool
    enrolled_count: int = SchemaField(
        ..., description=gettext_lazy("Contacts enrolled in the roles the connection syncs.")
    )
    completed_count: int

    @staticmethod
    def resolve_category_moodle_id(course: Course) -> int | None:
        return course.category.moodle_id if course.category else None

    @staticmethod
    def resolve_category_name(course: Course) -> str | None:
        return course.category.name if course.category else None


class CoursePageOut(Schema):
    items: list[CourseOut]
    count: int


class SyncIn(InputSchema):
    kind: Literal["incremental", "full"] = SchemaField(
        "incremental",
        description=gettext_lazy(
            "incremental: what changed since the last sync; full: everything again."
        ),
    )


class SyncCounts(Schema):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0


class SyncOut(Schema):
    id: int
    kind: str = SchemaField(..., description=gettext_lazy("incremental or full."))
    status: str = SchemaField(..., description=gettext_lazy("queued, running, done or failed."))
    started_by: str | None = SchemaField(
        ..., description=gettext_lazy("The email of who started it; null for the schedule.")
    )
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    phase: str = SchemaField(
        ...,
        description=gettext_lazy(
            "What it is reading: categories, courses, or enrolments (each course's "
            "participants and completions)."
        ),
    )
    done: int
    total: int
    counts: dict[str, SyncCounts] = SchemaField(
        ...,
        description=gettext_lazy(
            "Per kind of item (categories, courses, contacts, enrolments, completions): how "
            "many were created, updated, left unchanged, removed and left out (users "
            "without a valid email)."
        ),
    )
    resumed_from: int | None = SchemaField(
        ..., description=gettext_lazy("The failed sync this one resumed, if any.")
    )
    error_code: str = SchemaField(
        ..., description=gettext_lazy("Moodle's errorcode, or timeout, network, http, format.")
    )
    error: str = SchemaField(..., description=gettext_lazy("What failed and what to do."))

    @staticmethod
    def resolve_started_by(run: SyncRun) -> str | None:
        return run.started_by.email if run.started_by else None

    @staticmethod
    def resolve_resumed_from(run: SyncRun) -> int | None:
        return run.resumed_from_id

    @staticmethod
    def resolve_counts(run: SyncRun) -> dict[str, dict]:
        return {
            kind: value for kind, value in (run.counts or {}).items() if isinstance(value, dict)
        }


class SyncPageOut(Schema):
    items: list[SyncOut]
    count: int
