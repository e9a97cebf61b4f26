"""A signup form's preview: its hosted page in preview mode (nothing counted, nothing
submitted) at a computer's width and a phone's, its address, and the lines to embed it in
another site."""

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.forms import links
from pregon.forms.models import SignupForm


@authorize(Role.ANALYST)
def form_preview(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    form = get_object_or_404(SignupForm, code=code)
    context = {
        "signup_form": form,
        "page_url": links.page_url(form),
        "preview_url": links.preview_url(form),
        "snippet": links.embed_snippet(form),
        "popups": list(form.popups.all()),
    }
    return render(request, "forms/form_preview.html", context)
