"""The synced courses: category, dates, how many are enrolled and completed, and a link to
the segment of those enrolled."""

import json
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.moodle.courses import category_choices, enrolled_rules, find_courses, with_counts
from pregon.moodle.models import Category, Connection, Course, SyncRun, SyncStatus

PAGE_SIZE = 50


def enrolled_segment_url(course: Course) -> str:
    """The segment editor, opened with the rule "enrolled in this course" and a name."""
    rules = enrolled_rules(course)
    name = _("Enrolled in %(course)s") % {"course": course.fullname}
    query = urlencode({"rules": json.dumps(rules), "name": name[:150]})
    return f"{reverse('contacts:segment_create')}?{query}"


@authorize(Role.EDITOR)
def course_index(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    category = None
    if request.GET.get("category", "").isdecimal():
        category = Category.objects.filter(moodle_id=int(request.GET["category"])).first()
    page = Paginator(find_courses(search, category), PAGE_SIZE).get_page(request.GET.get("page"))
    courses = with_counts(list(page))
    for course in courses:
        course.segment_url = enrolled_segment_url(course)
    context = {
        "page": page,
        "courses": courses,
        "search": search,
        "category": category,
        "categories": category_choices(),
        "has_connection": Connection.current() is not None,
        "last_sync": SyncRun.objects.filter(status=SyncStatus.DONE)
        .order_by("-finished_at")
        .first(),
    }
    return render(request, "moodle/course_index.html", context)
