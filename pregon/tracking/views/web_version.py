"""The page of the "view in browser" link (pregon.tracking.web_version)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from pregon.content.render import InvalidTemplate
from pregon.tracking import web_version


@require_http_methods(["GET", "HEAD"])
def web_version_page(request: HttpRequest, token: str) -> HttpResponse:
    """The message as its recipient got it; a token we did not sign gets a 404."""
    message = web_version.message_of(token)
    if message is None:
        raise Http404
    try:
        page = web_version.rendered(message)
    except InvalidTemplate:
        # Content saved before today's merge-tag rules: the message itself failed to build.
        raise Http404 from None
    return web_version.page_response(page.html, private=True)
