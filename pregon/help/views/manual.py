"""Ayuda > Manual: the user manual's contents, its pages, its search and its screenshots."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.help import manual

QUERY_CHARS = 200


@authorize(Role.ANALYST)
def index(request: HttpRequest) -> HttpResponse:
    context = {"readme": manual.render(manual.readme()), "pages": manual.pages()}
    return render(request, "help/manual.html", context)


@authorize(Role.ANALYST)
def page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        current = manual.get(slug)
    except KeyError:
        raise Http404 from None
    pages = manual.pages()
    number = pages.index(current)
    context = {
        "page": current,
        "number": number + 1,
        "rendered": manual.render(current),
        "previous": pages[number - 1] if number > 0 else None,
        "next": pages[number + 1] if number + 1 < len(pages) else None,
    }
    return render(request, "help/manual_page.html", context)


@authorize(Role.ANALYST)
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:QUERY_CHARS]
    context = {"query": query, "hits": manual.search(query) if query else []}
    return render(request, "help/manual_search.html", context)


@authorize(Role.ANALYST)
def screenshot(request: HttpRequest, name: str) -> FileResponse:
    # The URL's slug converter lets no "/" or ".." through: only a file of the folder.
    path = manual.SCREENSHOTS / f"{name}.png"
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png")
