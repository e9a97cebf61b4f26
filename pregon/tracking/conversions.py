"""Conversions (R13): the virtual classroom tells Pregón that a person who came from a
message did what the message asked (enrolled in the course).

A tracked click's redirect carries ``pregon=<token>`` (``attribution_url``), a signed token
of the message. The landing page keeps it and, when the goal is reached, reports it with a
pixel (``/t/v/<token>.gif?objetivo=matricula``, pregon.tracking.views.conversions) or from its
server (``POST /api/v1/conversions``). Both come to ``record``: one ``converted`` event per
message and goal, whose ``detail`` is the goal. A token we did not sign records nothing.

Other apps sign conversion tokens of their own (a pop-up's click carries one): they give the
pixel a reader (``register_reader``, from their ``AppConfig.ready()``, since tracking may not
import them), which ``record_other`` asks about a token that names no message.
"""

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.db import transaction
from django.utils.text import slugify

from pregon.lib import events, signing
from pregon.sending import announce
from pregon.sending.models import Message
from pregon.tracking import agents
from pregon.tracking.models import Event, EventKind, hash_ip

# The query parameter the landing page reads, and the signing kind of its token.
PARAMETER = "pregon"
KIND = "conversion"
DEFAULT_GOAL = "matricula"
MAX_GOAL = 60

# Readers of other apps' conversion tokens: reader(token, goal, user_agent, ip) records the
# conversion and returns True if the token is one of theirs, else False.
Reader = Callable[[str, str, str, str | None], bool]
_readers: list[Reader] = []


class BadGoal(ValueError):
    """The goal's name is empty or too long once made a slug."""


def token(message_id: int) -> str:
    return signing.sign(KIND, message_id)


def attribution_url(url: str, message_id: int) -> str:
    """``url`` with ``pregon=<token>`` in its query, for the landing page to keep."""
    return with_token(url, token(message_id))


def with_token(url: str, token_text: str) -> str:
    """``url`` with ``pregon=<token_text>`` added to its query (any app's conversion token)."""
    parts = urlsplit(url)
    added = urlencode({PARAMETER: token_text})
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit(parts._replace(query=query))


def goal_name(goal: str | None) -> str:
    """The goal as stored: a slug ("Matrícula" is "matricula"); ``DEFAULT_GOAL`` if absent.

    Raises ``BadGoal`` if nothing is left of it or it is longer than ``MAX_GOAL``.
    """
    if goal is None:
        return DEFAULT_GOAL
    name = slugify(goal)
    if not name or len(name) > MAX_GOAL:
        raise BadGoal(goal)
    return name


def read_token(token_text: str) -> int:
    """The message a conversion token names; raises ``signing.BadToken`` if not ours."""
    return signing.unsign(KIND, token_text.strip())


def record(message_id: int, goal: str, user_agent: str = "", ip: str | None = None) -> bool:
    """Record that message ``message_id`` reached ``goal`` (already a ``goal_name``).

    Returns False if that message already had a conversion for that goal. Raises
    ``Message.DoesNotExist`` if the message was deleted.
    """
    with transaction.atomic():
        # The row lock makes "once per message and goal" hold with two reports at once
        # (on SQLite, BEGIN IMMEDIATE already serialises the transactions).
        message = Message.objects.select_for_update().get(pk=message_id)
        done = Event.objects.filter(message=message, kind=EventKind.CONVERTED, detail=goal)
        if done.exists():
            return False
        agent = agents.describe(user_agent) if user_agent else agents.Agent("", "")
        Event.objects.create(
            kind=EventKind.CONVERTED,
            message=message,
            detail=goal,
            user_agent=user_agent[:500],
            client=agent.client,
            device=agent.device,
            ip_hash=hash_ip(ip),
        )
        announce.messages(events.CONVERSION, [(message.pk, {"goal": goal})])
    return True


def register_reader(reader: Reader) -> None:
    """Let the pixel accept the conversion tokens ``reader`` knows (see ``Reader``)."""
    if reader not in _readers:
        _readers.append(reader)


def record_other(token_text: str, goal: str, user_agent: str = "", ip: str | None = None) -> bool:
    """Record a conversion whose token another app signed; False if no reader knows it."""
    return any(reader(token_text.strip(), goal, user_agent, ip) for reader in _readers)
