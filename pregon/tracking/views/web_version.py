"""The page of the "view in browser" link (pregon.tracking.web_version)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from pregon.content.render import InvalidTemplate
from pregon.sending.models import MailingVariant
from pregon.tracking import web_version


@require_http_methods(["GET", "HEAD"])
def web_version_page(request: HttpRequest, token: str) -> HttpResponse:
    """The message as its recipient got it; a token we did not sign gets a 404."""
    message = web_version.message_of(token)
    if message is None:
        raise Http404
    try:
        page = web_version.rendered(message)
    except (InvalidTemplate, MailingVariant.DoesNotExist):
        # Content saved before today's merge-tag rules (the message itself failed to
        # build), or an A/B variant deleted since: there is no copy to show.
        raise Http404 from None
    return web_version.page_response(page.html, private=True)
