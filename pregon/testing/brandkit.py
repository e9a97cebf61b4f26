"""A helper for tests of the screens that ask for the brand kit before the first design."""

from django.test import Client

from pregon.content.views.brand import ASKED


def skip_brand_question(client: Client) -> None:
    """Behave as someone already asked for the brand kit, who went on without it; call
    after logging in."""
    session = client.session
    session[ASKED] = True
    session.save()
