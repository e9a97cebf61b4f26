"""The two editors of a template: visual (GrapesJS with MJML) and code (CodeMirror).

Both save through ``EmailTemplate.set_source``; the visual editor and the code editor's live
check talk JSON, and the code editor's form also works without JavaScript.
"""

import uuid

from csp.decorators import csp_update
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.contacts.models import Field
from pregon.content import mergetags
from pregon.content import render as compiler
from pregon.content.indent import indent_mjml
from pregon.content.models import EmailTemplate
from pregon.content.render import InvalidTemplate


def merge_tag_menu() -> list[dict[str, str]]:
    """The tags the editors' insert menus offer: built-in ones, then custom fields."""
    tags = [{"tag": f"{{{{ {tag.name} }}}}", "label": str(tag.label)} for tag in mergetags.BUILT_IN]
    tags.insert(
        1, {"tag": '{{ nombre | default("colega") }}', "label": _("First name, or “colega”")}
    )
    for field in Field.objects.all():
        tags.append({"tag": f"{{{{ {field.key} }}}}", "label": field.label})
    return tags


def _problems_json(problems: list[mergetags.Problem]) -> list[dict[str, object]]:
    # Without "Line n:": the editors show the line themselves.
    return [{"line": problem.line, "message": problem.message} for problem in problems]


def _editor_config(request: HttpRequest, template: EmailTemplate, **extra: object) -> dict:
    return {
        "csrfToken": get_token(request),
        "language": request.LANGUAGE_CODE,
        "mergeTags": merge_tag_menu(),
        "saveUrl": reverse("content:save", args=[template.code]),
        "checkUrl": reverse("content:check", args=[template.code]),
        "assetsUrl": reverse("content:asset_list"),
        "uploadUrl": reverse("content:asset_upload") + "?format=json",
        "messages": {
            "saved": _("Saved"),
            "saving": _("Saving…"),
            "error": _("Could not save; see the problems below."),
            "insertTag": _("Insert field"),
            "uploadError": _("The image could not be uploaded."),
            "line": _("Line"),
        },
        **extra,
    }


# The visual editor's names for its blocks and components (GrapesJS's Spanish has "Hero" and
# no "Raw"), and the words a new block starts with, in place of the plugin's English.
BLOCK_NAMES = {
    "body": gettext_lazy("Body"),
    "button": gettext_lazy("Button"),
    "column": gettext_lazy("Column"),
    "oneColumn": gettext_lazy("1 column"),
    "twoColumn": gettext_lazy("2 columns"),
    "threeColumn": gettext_lazy("3 columns"),
    "divider": gettext_lazy("Divider"),
    "group": gettext_lazy("Group"),
    "hero": gettext_lazy("Banner with background"),
    "image": gettext_lazy("Image"),
    "navBar": gettext_lazy("Menu bar"),
    "navLink": gettext_lazy("Menu link"),
    "section": gettext_lazy("Section"),
    "socialGroup": gettext_lazy("Social networks"),
    "socialElement": gettext_lazy("Social network"),
    "spacer": gettext_lazy("Space"),
    "text": gettext_lazy("Text"),
    "wrapper": gettext_lazy("Framed group"),
    "raw": gettext_lazy("HTML code"),
}
BLOCK_TEXTS = {
    "text": gettext_lazy("Write your text here."),
    "button": gettext_lazy("Button"),
    "column": gettext_lazy("Column text."),
    "link": gettext_lazy("Link"),
    "heroTitle": gettext_lazy("Your headline"),
    "heroButton": gettext_lazy("Find out more"),
    "firstLine": gettext_lazy("First line of text."),
    "secondLine": gettext_lazy("Second line of text."),
    "raw": gettext_lazy("Your own HTML goes here."),
}

# GrapesJS writes <style> elements into the page and into its canvas (an iframe with no
# address, under this page's policy), and the canvas shows the images a template links to,
# wherever they are, as a mail client would. Only this page allows those.
VISUAL_EDITOR_POLICY = {"style-src": ["'unsafe-inline'"], "img-src": ["*", "blob:"]}


@authorize(Role.EDITOR)
@csp_update(VISUAL_EDITOR_POLICY)
def template_visual(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    template = get_object_or_404(EmailTemplate, code=code)
    if not template.is_mjml:
        messages.info(request, _("HTML templates are edited as code."))
        return redirect("content:code", template.code)
    config = _editor_config(
        request, template, source=template.source, blockNames=BLOCK_NAMES, blockTexts=BLOCK_TEXTS
    )
    return render(request, "content/template_visual.html", {"template": template, "config": config})


@authorize(Role.EDITOR)
def template_code(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The source as text. Without JavaScript it is a plain form; with it, CodeMirror."""
    template = get_object_or_404(EmailTemplate, code=code)
    source, problems = template.source, []
    if request.method == "POST":
        source = request.POST.get("source", "")
        try:
            template.set_source(source)
        except InvalidTemplate as error:
            problems = error.problems
        else:
            template.updated_at = timezone.now()
            template.save()
            messages.success(request, _("Template saved."))
            return redirect(template)
    config = _editor_config(
        request,
        template,
        mode="mjml" if template.is_mjml else "html",
        errors=_problems_json(problems),
    )
    context = {"template": template, "source": source, "problems": problems, "config": config}
    return render(request, "content/template_code.html", context, status=422 if problems else 200)


@authorize(Role.EDITOR)
@require_POST
def template_save(request: HttpRequest, code: uuid.UUID) -> JsonResponse:
    """Save the source the visual editor posts; answer with the checks or the problems."""
    template = get_object_or_404(EmailTemplate, code=code)
    try:
        template.set_source(indent_mjml(request.POST.get("source", "")))
    except InvalidTemplate as error:
        return JsonResponse({"ok": False, "errors": _problems_json(error.problems)}, status=422)
    template.updated_at = timezone.now()
    template.save()
    preview_url = reverse("content:preview", args=[template.code])
    checks = [check.as_dict() for check in template.check_results()]
    return JsonResponse({"ok": True, "checks": checks, "previewUrl": preview_url})


@authorize(Role.EDITOR)
@require_POST
def template_check(request: HttpRequest, code: uuid.UUID) -> JsonResponse:
    """The problems of a source being typed in the code editor; nothing is saved."""
    template = get_object_or_404(EmailTemplate, code=code)
    field_keys = Field.objects.values_list("key", flat=True)
    try:
        compiler.compile_source(template.is_mjml, request.POST.get("source", ""), field_keys)
    except InvalidTemplate as error:
        return JsonResponse({"errors": _problems_json(error.problems)})
    return JsonResponse({"errors": []})
