"""The classroom's catalogue: its course categories, then each category's courses.

Moodle lists all categories in one answer (``core_course_get_categories``), and the
courses of one category per call (``core_course_get_courses_by_field`` with
``field=category``): a few thousand courses come in as many calls as there are
categories, each saved before the next is asked, with the category as the cursor.

A category moved under another parent, or a course moved to another category, changes who
is in which category (``pregon.moodle.members``): those rows are written anew in the same
transaction.

Categories and courses that Moodle no longer lists are kept as the last sync saw them:
segments and campaigns may name them, and a category the token's user stopped seeing is
not a category deleted.
"""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from pregon.moodle import members
from pregon.moodle.client import Client
from pregon.moodle.models import Category, Course
from pregon.moodle.sync.progress import Progress

CATEGORY_FIELDS = ("name", "parent_moodle_id", "path", "visible", "time_modified")
COURSE_FIELDS = (
    "category",
    "fullname",
    "shortname",
    "starts_at",
    "ends_at",
    "visible",
    "completion_enabled",
    "time_modified",
)


def sync_categories(client: Client, progress: Progress) -> None:
    """Save every category Moodle lists, counting those created, updated and unchanged."""
    progress.save("categories", 0, 0, after=0)
    answer = client.call("core_course_get_categories")
    wanted = {int(item["id"]): _category_values(item) for item in answer}
    with transaction.atomic():
        nesting = members.Nesting()
        _save(Category, wanted, CATEGORY_FIELDS, "categories", progress)
        nesting.settle()
    progress.save("categories", len(wanted), len(wanted))


def _category_values(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": str(item.get("name", ""))[:255],
        "parent_moodle_id": int(item.get("parent") or 0),
        "path": str(item.get("path", ""))[:255],
        "visible": bool(int(item.get("visible", 1))),
        "time_modified": int(item.get("timemodified") or 0),
    }


def sync_courses(client: Client, progress: Progress) -> None:
    """Save each category's courses, a category at a time, from the cursor's category on."""
    after = progress.cursor.get("after", 0) if progress.cursor.get("phase") == "courses" else 0
    categories = list(Category.objects.order_by("moodle_id").values_list("moodle_id", "pk"))
    total = len(categories)
    done = sum(1 for moodle_id, _pk in categories if moodle_id <= after)
    progress.save("courses", done, total, after=after)
    for moodle_id, category_pk in categories:
        if moodle_id <= after:
            continue
        answer = client.call(
            "core_course_get_courses_by_field", field="category", value=str(moodle_id)
        )
        wanted = {
            int(item["id"]): _course_values(item, category_pk) for item in answer.get("courses", [])
        }
        with transaction.atomic():
            placement = members.Placement(wanted)
            _save(Course, wanted, COURSE_FIELDS, "courses", progress)
            placement.settle()
        done += 1
        progress.save("courses", done, total, after=moodle_id)


def _course_values(item: dict[str, Any], category_pk: int) -> dict[str, Any]:
    return {
        "category": category_pk,
        "fullname": str(item.get("fullname", ""))[:255],
        "shortname": str(item.get("shortname", ""))[:255],
        "starts_at": _moment(item.get("startdate")),
        "ends_at": _moment(item.get("enddate")),
        "visible": bool(int(item.get("visible", 1))),
        "completion_enabled": bool(int(item.get("enablecompletion") or 0)),
        "time_modified": int(item.get("timemodified") or 0),
    }


def _moment(unix_time: object) -> datetime.datetime | None:
    """A Unix time from Moodle as a date; Moodle's 0 means none."""
    seconds = int(unix_time or 0)
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC) if seconds else None


def _save(
    model: type[Category] | type[Course],
    wanted: dict[int, dict[str, Any]],
    fields: tuple[str, ...],
    item: str,
    progress: Progress,
) -> None:
    """Create or update ``model`` rows to ``wanted`` ({moodle_id: values}), in one
    transaction, and count each as created, updated or unchanged."""
    now = timezone.now()
    columns = [f"{name}_id" if name == "category" else name for name in fields]
    with transaction.atomic():
        existing = {row.moodle_id: row for row in model.objects.filter(moodle_id__in=list(wanted))}
        fresh, changed = [], []
        for moodle_id, values in wanted.items():
            row = existing.get(moodle_id)
            values = dict(zip(columns, values.values(), strict=True))
            if row is None:
                fresh.append(model(moodle_id=moodle_id, synced_at=now, **values))
            elif any(getattr(row, column) != value for column, value in values.items()):
                for column, value in values.items():
                    setattr(row, column, value)
                changed.append(row)
        model.objects.bulk_create(fresh)
        model.objects.bulk_update(changed, columns)
        # Every row Moodle listed was seen now; those it stopped listing keep an older date.
        model.objects.filter(moodle_id__in=list(wanted)).update(synced_at=now)
    progress.count(item, "created", len(fresh))
    progress.count(item, "updated", len(changed))
    progress.count(item, "unchanged", len(wanted) - len(fresh) - len(changed))
