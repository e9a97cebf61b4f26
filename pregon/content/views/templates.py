"""The user's templates: list, start one (from the gallery, a copy or blank), import HTML,
preview with checks, plain text, rename and delete."""

import uuid

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.contacts.forms import bootstrap
from pregon.contacts.models import Contact
from pregon.content import gallery, mergetags, starts
from pregon.content.forms import HtmlImportForm, TemplateNameForm
from pregon.content.models import EmailTemplate, Format
from pregon.content.preflight import ERROR
from pregon.content.preview import preview_response
from pregon.content.render import InvalidTemplate
from pregon.content.views.brand import ask_for_brand_kit


@authorize(Role.EDITOR)
def template_index(request: HttpRequest) -> HttpResponse:
    templates = EmailTemplate.objects.defer("source", "html", "text")
    return render(request, "content/template_index.html", {"templates": templates})


@authorize(Role.EDITOR)
@require_POST
def template_create(request: HttpRequest) -> HttpResponse:
    """Start a template from a gallery entry (``gallery``), a copy (``copy``) or blank.

    A new design asks for the brand kit first while it is empty (``ask_for_brand_kit``).
    """
    if not request.POST.get("copy"):
        back = reverse("content:gallery" if request.POST.get("gallery") else "content:index")
        if asking := ask_for_brand_kit(request, back):
            return asking
    if key := request.POST.get("gallery"):
        entry = gallery.get(key)
        if entry is None:
            raise Http404
        template, source = starts.from_gallery(entry)
    elif code := request.POST.get("copy"):
        template, source = starts.copy_of(get_object_or_404(EmailTemplate, code=_uuid(code)))
    else:
        template, source = starts.blank()
    template.created_by = request.user
    try:
        template.set_source(source)
    except InvalidTemplate as error:
        # A copy may predate a custom field's deletion; say so instead of failing.
        messages.error(
            request, _("This template cannot be copied: %(problems)s") % {"problems": error}
        )
        return redirect("content:index")
    template.save()
    if template.is_mjml:
        return redirect("content:visual", template.code)
    return redirect("content:code", template.code)


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


@authorize(Role.EDITOR)
def template_import(request: HttpRequest) -> HttpResponse:
    form = HtmlImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        template = EmailTemplate(
            name=form.cleaned_data["name"], format=Format.HTML, created_by=request.user
        )
        try:
            template.set_source(form.cleaned_data["html"])
        except InvalidTemplate as error:
            for problem in error.problems:
                form.add_error("html", str(problem))
        else:
            template.save()
            messages.success(request, _("Template imported; see its checks before sending it."))
            return redirect(template)
    context = {"form": bootstrap(form), "cancel_url": reverse("content:index")}
    return render(request, "content/template_import.html", context)


@authorize(Role.EDITOR)
def template_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The preview at three widths, as a chosen contact, and the pre-flight checks."""
    template = get_object_or_404(EmailTemplate, code=code)
    contact, email = None, request.GET.get("contact", "").strip()
    if email:
        contact = Contact.objects.filter(email=email.lower()).first()
        if contact is None:
            messages.error(request, _("No contact has the address %(email)s.") % {"email": email})
    preview_url = reverse("content:preview", args=[template.code])
    if contact:
        preview_url += f"?contact={contact.code}"
    context = {
        "template": template,
        "contact": contact,
        "preview_url": preview_url,
        "errors": [check for check in template.check_results() if check.level == ERROR],
        "warnings": [check for check in template.check_results() if check.level != ERROR],
    }
    return render(request, "content/template_detail.html", context)


@authorize(Role.EDITOR)
def template_preview(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The template's HTML personalised for ``?contact=<code>`` or a sample person."""
    template = get_object_or_404(EmailTemplate, code=code)
    contact = None
    if contact_code := request.GET.get("contact"):
        contact = get_object_or_404(Contact, code=_uuid(contact_code))
    return preview_response(template.html, contact)


@authorize(Role.EDITOR)
def template_text(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Edit the plain-text version; an empty one goes back to the text generated from HTML."""
    template = get_object_or_404(EmailTemplate, code=code)
    problems: list[mergetags.Problem] = []
    if request.method == "POST":
        try:
            template.set_text(request.POST.get("text", ""))
        except InvalidTemplate as error:
            problems = error.problems
        else:
            template.updated_at = timezone.now()
            template.save(update_fields=["text", "is_text_custom", "checks", "updated_at"])
            messages.success(request, _("Plain-text version saved."))
            return redirect(template)
    text = request.POST.get("text", template.text) if problems else template.text
    context = {"template": template, "text": text, "problems": problems}
    return render(request, "content/template_text.html", context)


@authorize(Role.EDITOR)
def template_rename(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    template = get_object_or_404(EmailTemplate, code=code)
    form = TemplateNameForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        return redirect(template)
    context = {
        "form": bootstrap(form),
        "cancel_url": template.get_absolute_url(),
        "title": _("Rename template"),
    }
    return render(request, "contacts/simple_form.html", context)


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def template_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    template = get_object_or_404(EmailTemplate, code=code)
    if request.method == "POST":
        with transaction.atomic():
            template.delete()
            audit.record(request, AuditAction.DELETION, template.name, kind="template")
        messages.success(request, _("Template “%(name)s” deleted.") % {"name": template.name})
        return redirect("content:index")
    context = {
        "title": _("Delete template"),
        "question": _("Delete the template “%(name)s”? This cannot be undone.")
        % {"name": template.name},
        "button": _("Delete"),
        "cancel_url": template.get_absolute_url(),
    }
    return render(request, "contacts/confirm.html", context)
