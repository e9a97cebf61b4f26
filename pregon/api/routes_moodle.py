"""The Moodle connector in the API's route table: the synced courses with their counts, and
syncs started and followed as on the connection page (pregon.moodle.courses, .sync)."""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from pregon.api import auth
from pregon.api.errors import ERRORS, ApiError, get_or_404
from pregon.api.schemas.moodle import CoursePageOut, SyncIn, SyncOut
from pregon.moodle import progress
from pregon.moodle.courses import find_courses, with_counts
from pregon.moodle.models import Category, SyncKind, SyncRun

router = Router(tags=["moodle"])
MAX_PAGE_SIZE = 500


@router.get(
    "/moodle/courses",
    response={200: CoursePageOut, **ERRORS},
    summary=gettext_lazy("List the synced Moodle courses"),
    description=gettext_lazy(
        "The courses the last sync copied, visible ones first, by name, with how many "
        "contacts are enrolled (in the roles the connection syncs) and completed each."
    ),
)
def course_list(
    request: HttpRequest,
    q: str = Query("", description=gettext_lazy("Words in the name or short name.")),
    category: int | None = Query(None, description=gettext_lazy("A category's Moodle id.")),
    page: int = Query(1, ge=1),
    page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    chosen = get_or_404(Category.objects, moodle_id=category) if category is not None else None
    paginator = Paginator(find_courses(q.strip(), chosen), page_size)
    courses = with_counts(list(paginator.get_page(page))) if page <= paginator.num_pages else []
    return {"items": courses, "count": paginator.count}


@router.post(
    "/moodle/syncs",
    response={202: SyncOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Start a Moodle sync"),
    description=gettext_lazy(
        "Queue a sync and answer at once; poll GET /moodle/syncs/{id}. If one is already "
        "queued or running, that one is answered instead. Without a saved connection, 409."
    ),
)
def sync_start(request: HttpRequest, payload: SyncIn) -> Status[SyncRun]:
    try:
        run = progress.start(SyncKind(payload.kind), request.user)
    except ValueError as error:
        raise ApiError(409, str(error)) from None
    return Status(202, run)


@router.get(
    "/moodle/syncs",
    response=list[SyncOut],
    auth=auth.ADMIN,
    summary=gettext_lazy("List the Moodle syncs"),
    description=gettext_lazy("Every sync, newest first: the history of the connection page."),
)
@paginate(PageNumberPagination, page_size=50, max_page_size=MAX_PAGE_SIZE)
def sync_list(request: HttpRequest) -> QuerySet[SyncRun]:
    return SyncRun.objects.select_related("started_by")


@router.get(
    "/moodle/syncs/{sync_id}",
    response={200: SyncOut, **ERRORS},
    auth=auth.ADMIN,
    summary=gettext_lazy("Get a Moodle sync"),
    description=gettext_lazy("A sync's progress (phase, done of total), counts and error."),
)
def sync_detail(request: HttpRequest, sync_id: int) -> SyncRun:
    return get_or_404(SyncRun.objects.select_related("started_by"), pk=sync_id)
