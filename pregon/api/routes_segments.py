"""Segments in the API's route table. Rules are validated (and lists and tags in them stored
by id) by the same form and functions as the segment builder.
"""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Router, Status

from pregon.accounts import audit
from pregon.accounts.models import AuditAction
from pregon.api import auth
from pregon.api.errors import ERRORS, get_or_404, invalid, save_form
from pregon.api.schemas.segments import CountOut, RulesIn, SegmentIn, SegmentOut, SegmentPatch
from pregon.contacts import segments
from pregon.contacts.forms import SegmentForm
from pregon.contacts.models import Segment

router = Router()


@router.get(
    "/segments",
    response=list[SegmentOut],
    tags=["segments"],
    summary=gettext_lazy("List the segments"),
)
def segment_index(request: HttpRequest) -> QuerySet[Segment]:
    return Segment.objects.all()


@router.post(
    "/segments",
    response={201: SegmentOut, **ERRORS},
    tags=["segments"],
    summary=gettext_lazy("Create a segment"),
    description=gettext_lazy(
        "Save a segment. Lists may be named by code and tags by name; they are stored by id."
    ),
)
def segment_create(request: HttpRequest, payload: SegmentIn) -> Status[Segment]:
    segment = save_form(SegmentForm, Segment(created_by=request.user), payload.dict())
    return Status(201, segment)


@router.post(
    "/segments/count",
    response={200: CountOut, **ERRORS},
    tags=["segments"],
    summary=gettext_lazy("Count the contacts matching rules"),
    description=gettext_lazy(
        "Count the contacts that match `rules`, without saving them (the builder's live "
        "count).\n\n"
        "Editors only: arbitrary rules could tell whether a given person is a contact."
    ),
)
def segment_count_rules(request: HttpRequest, payload: RulesIn) -> dict[str, int]:
    return {"count": _count(payload.rules)}


@router.get(
    "/segments/{code}",
    response={200: SegmentOut, **ERRORS},
    tags=["segments"],
    summary=gettext_lazy("Get a segment"),
)
def segment_detail(request: HttpRequest, code: str) -> Segment:
    return get_or_404(Segment.objects, code=code)


@router.patch(
    "/segments/{code}",
    response={200: SegmentOut, **ERRORS},
    tags=["segments"],
    summary=gettext_lazy("Update a segment"),
)
def segment_update(request: HttpRequest, code: str, payload: SegmentPatch) -> Segment:
    segment = get_or_404(Segment.objects, code=code)
    data = {"name": segment.name, "rules": segment.rules}
    data.update(payload.dict(exclude_unset=True, exclude_none=True))
    segment.updated_at = timezone.now()
    return save_form(SegmentForm, segment, data)


@router.delete(
    "/segments/{code}",
    response={204: None, **ERRORS},
    tags=["segments"],
    summary=gettext_lazy("Delete a segment"),
)
def segment_delete(request: HttpRequest, code: str) -> Status[None]:
    segment = get_or_404(Segment.objects, code=code)
    with transaction.atomic():
        segment.delete()
        audit.record(
            request, AuditAction.DELETION, segment.name, kind="segment", code=str(segment.code)
        )
    return Status(204, None)


@router.get(
    "/segments/{code}/count",
    response={200: CountOut, **ERRORS},
    tags=["segments"],
    auth=auth.ANALYST,
    summary=gettext_lazy("Count a segment's contacts"),
    description=gettext_lazy(
        "How many contacts a saved segment has now. Analysts may read this: it is a "
        "figure, and the segment's rules were written by an editor."
    ),
)
def segment_count(request: HttpRequest, code: str) -> dict[str, int]:
    return {"count": _count(get_or_404(Segment.objects, code=code).rules)}


def _count(rules: dict[str, Any]) -> int:
    try:
        return segments.count_contacts(rules)
    except ValueError as error:
        raise invalid({"rules": [str(error)]}) from None
