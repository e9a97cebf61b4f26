"""The image library: upload, list, delete, and the public address mail clients load from."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.content.assets import store_image
from pregon.content.models import Asset, BrandKit, EmailTemplate

# Images in sent messages must keep loading for years: a year of caching is safe because a
# library image never changes under its address (a new upload gets a new code).
CACHE_FOREVER = "public, max-age=31536000, immutable"


def _as_json(asset: Asset) -> dict[str, object]:
    return {
        "src": asset.url,
        "name": asset.name,
        "width": asset.width,
        "height": asset.height,
        "code": str(asset.code),
    }


@authorize(Role.EDITOR)
def asset_index(request: HttpRequest) -> HttpResponse:
    return render(request, "content/asset_index.html", {"assets": Asset.objects.all()})


@authorize(Role.EDITOR)
@require_POST
def asset_upload(request: HttpRequest) -> HttpResponse:
    """Store one image (field ``file``); JSON for the visual editor (``?format=json`` or
    ``Accept: application/json``), a redirect for the library page."""
    wants_json = request.GET.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    )
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError(_("Choose an image to upload."))
        asset = store_image(upload, request.user)
    except ValidationError as error:
        if wants_json:
            return JsonResponse({"detail": error.messages[0]}, status=422)
        messages.error(request, error.messages[0])
        return redirect("content:assets")
    if wants_json:
        return JsonResponse({"data": [_as_json(asset)]}, status=201)
    messages.success(request, _("Image “%(name)s” added to the library.") % {"name": asset.name})
    return redirect("content:assets")


@authorize(Role.EDITOR)
@require_GET
def asset_list(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"assets": [_as_json(asset) for asset in Asset.objects.all()[:500]]})


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def asset_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    asset = get_object_or_404(Asset, code=code)
    if request.method == "POST":
        with transaction.atomic():
            asset.delete()
            audit.record(request, AuditAction.DELETION, asset.name, kind="image")
            transaction.on_commit(lambda: asset.file.delete(save=False))
        messages.success(request, _("Image “%(name)s” deleted.") % {"name": asset.name})
        return redirect("content:assets")
    warnings = [_("Messages already sent that show it will show an empty box instead.")]
    if names := list(
        EmailTemplate.objects.filter(source__contains=asset.url).values_list("name", flat=True)[:10]
    ):
        warnings.append(_("Templates that show it: %(names)s.") % {"names": ", ".join(names)})
    if BrandKit.objects.filter(logo=asset).exists():
        warnings.append(_("It is the brand kit's logo; new messages would start without one."))
    context = {
        "title": _("Delete image"),
        "question": _("Delete the image “%(name)s”?") % {"name": asset.name},
        "warning": " ".join(warnings),
        "button": _("Delete"),
        "cancel_url": redirect("content:assets").url,
    }
    return render(request, "contacts/confirm.html", context)


@require_GET
def asset_file(request: HttpRequest, code: uuid.UUID, extension: str) -> FileResponse:
    """The image itself, public: recipients' mail clients load it without logging in."""
    asset = Asset.objects.filter(code=code).first()
    if asset is None or asset.extension != extension:
        raise Http404
    response = FileResponse(asset.file.open("rb"), content_type=asset.content_type)
    response["Cache-Control"] = CACHE_FOREVER
    return response
