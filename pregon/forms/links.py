"""Where a signup form lives: its hosted page's address, the preview of it, and the lines a
web site pastes to embed it (the embed script is pregon/forms/static/forms/)."""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from pregon.forms.models import SignupForm

# The hosted page's query parameter for the staff's preview: the page shows the form as it
# is, counts no view and takes no submission.
PREVIEW = "vista_previa"


def page_url(form: SignupForm) -> str:
    """The hosted page's absolute address."""
    return settings.SITE_URL + reverse("forms_public:page", args=[form.slug])


def preview_url(form: SignupForm) -> str:
    """The hosted page in preview mode, relative (the staff's screens frame it)."""
    return f"{reverse('forms_public:page', args=[form.slug])}?{PREVIEW}=1"


def embed_snippet(form: SignupForm) -> str:
    """The lines a web site pastes where the form should appear, exactly."""
    script = settings.SITE_URL + static("forms/embed.js")
    return (
        f'<div data-pregon-form="{form.slug}"></div>\n'
        f'<script async src="{script}" data-pregon-form-url="{settings.SITE_URL}"></script>'
    )
