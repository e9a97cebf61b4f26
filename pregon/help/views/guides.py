"""The help centre: the list of guides and each guide."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.help import guides


def _language() -> str:
    return (get_language() or guides.ORIGINAL_LANGUAGE).split("-")[0]


@authorize(Role.ANALYST)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "help/index.html", {"guides": guides.all_guides(_language())})


@authorize(Role.ANALYST)
def guide(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        current = guides.get(slug, _language())
    except KeyError:
        raise Http404 from None
    context = {"guide": current, "guides": guides.all_guides(_language())}
    return render(request, "help/guide.html", context)
