"""Previews: a template's HTML personalised for a contact, or for a sample person."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static

from pregon.contacts.models import Contact, Field
from pregon.content.render import InvalidTemplate, Personaliser, Rendered, context_for

# The preview shows a user's HTML inside our pages: no script may run, no form may post,
# and it may load images from anywhere, as a mail client would.
PREVIEW_POLICY = "sandbox; default-src 'none'; img-src * data:; style-src 'unsafe-inline'"
PREVIEW_UNSUBSCRIBE_URL = "#"
# The other links a message gets when it is sent lead nowhere in a preview either.
PREVIEW_LINKS = {"enlace_preferencias": "#", "enlace_confirmar": "#", "ver_en_navegador": "#"}


def gallery_images_url() -> str:
    """The absolute URL of the gallery's images, as mail clients will load them."""
    return settings.SITE_URL + static("content/gallery").rstrip("/")


def sample_contact() -> Contact:
    """The person a preview shows when no contact is chosen."""
    return Contact(
        email="maria.quispe@example.org",
        first_name="María",
        last_name="Quispe Mamani",
        phone="+51987654321",
        attributes={},
    )


def personalised(html: str, text: str, contact: Contact | None) -> Rendered:
    """``html`` and ``text`` with their merge tags filled for ``contact`` (the sample person
    if None); contact data is escaped in the HTML only.

    Raises ``InvalidTemplate`` if they cannot be sent (see ``Personaliser``)."""
    field_keys = list(Field.objects.values_list("key", flat=True))
    context = context_for(
        contact or sample_contact(), PREVIEW_UNSUBSCRIBE_URL, field_keys, PREVIEW_LINKS
    )
    return Personaliser("", html, text).render(context)


def preview_response(html: str, contact: Contact | None) -> HttpResponse:
    """An HTTP response with the personalised ``html``, safe to show in an iframe of ours;
    if it cannot be sent, ``refusal_response``."""
    try:
        return _framed(HttpResponse(personalised(html, "", contact).html))
    except InvalidTemplate as error:
        return refusal_response(error)


def refusal_response(error: InvalidTemplate) -> HttpResponse:
    """A 422 for a preview's frame, saying why the message cannot be sent (a template saved
    before today's rules, or a brand kit that breaks a gallery design)."""
    page = render_to_string("content/preview_refused.html", {"problems": error.problems})
    return _framed(HttpResponse(page, status=422))


def _framed(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = PREVIEW_POLICY
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response
