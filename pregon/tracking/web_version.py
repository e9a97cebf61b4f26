"""The "view in browser" page: a sent message as its recipient got it, reached by the signed
link of the ``ver_en_navegador`` merge tag, with no login.

The page is personalised again from the frozen mailing (or its A/B variant) with the same
values the engine gave the message (``engine.merge_values``): the person's data, their
unsubscribe and preference links, and tracked links that record their clicks. Loading it
loads the open pixel too, which is a true open: the person is reading the message.
"""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

from pregon.contacts.models import Field
from pregon.content.render import Personaliser, Rendered
from pregon.lib import signing
from pregon.sending import engine
from pregon.sending.models import Message

# The message's HTML is the user's, not ours: no script may run and no form may post, while
# images and styles load from anywhere, as in a mail client. Its links open normally.
PAGE_POLICY = (
    "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; "
    "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; font-src * data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def message_of(token: str) -> Message | None:
    """The message a web-version token names, or None for a token we did not sign or a
    message that no longer exists."""
    try:
        message_id = signing.unsign("web", token)
    except signing.BadToken:
        return None
    return Message.objects.select_related("contact", "mailing").filter(pk=message_id).first()


def rendered(message: Message) -> Rendered:
    """``message``'s subject, HTML and text personalised as the engine personalised them.

    Raises ``content.render.InvalidTemplate`` if the content cannot be rendered any more,
    and ``MailingVariant.DoesNotExist`` if the message's variant is gone.
    """
    mailing = message.mailing
    content = mailing if message.variant is None else mailing.variants.get(number=message.variant)
    unsubscribe_url = _address("tracking:unsubscribe", signing.sign("unsubscribe", message.pk))
    field_keys = list(Field.objects.values_list("key", flat=True))
    values = engine.merge_values(message, unsubscribe_url, field_keys, _address)
    return Personaliser(content.subject, content.html, content.text).render(values)


def _address(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, args=[token])


def page_response(html: str, private: bool) -> HttpResponse:
    """A response that shows a message's ``html`` as a page of its own, under a policy that
    lets none of it run. ``private`` (a person's own copy): never cached, never indexed."""
    response = HttpResponse(html)
    response["Content-Security-Policy"] = PAGE_POLICY
    if private:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response
