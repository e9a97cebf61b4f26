"""The gallery of pre-designed templates, and a preview of each with the brand kit applied."""

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.contacts.models import Field
from pregon.content import gallery, starts
from pregon.content.preview import preview_response, refusal_response
from pregon.content.render import InvalidTemplate, compile_source
from pregon.content.views.brand import ask_for_brand_kit


def _entry(key: str) -> gallery.GalleryTemplate:
    entry = gallery.get(key)
    if entry is None:
        raise Http404
    return entry


@authorize(Role.EDITOR)
def gallery_index(request: HttpRequest) -> HttpResponse:
    if asking := ask_for_brand_kit(request, request.get_full_path()):
        return asking
    entries = [
        (entry, bool(finders.find(f"content/gallery/previews/{entry.key}.png")))
        for entry in gallery.GALLERY
    ]
    return render(request, "content/gallery_index.html", {"entries": entries})


@authorize(Role.EDITOR)
def gallery_detail(request: HttpRequest, key: str) -> HttpResponse:
    entry = _entry(key)
    if asking := ask_for_brand_kit(request, request.get_full_path()):
        return asking
    return render(request, "content/gallery_detail.html", {"entry": entry})


@authorize(Role.EDITOR)
def gallery_preview(request: HttpRequest, key: str) -> HttpResponse:
    entry = _entry(key)
    source = starts.branded_source(entry.key)
    field_keys = Field.objects.values_list("key", flat=True)
    try:
        html = compile_source(True, source, field_keys).html
    except InvalidTemplate as error:
        return refusal_response(error)
    return preview_response(html, None)
