"""Conversions (R13): the virtual classroom tells Pregón that a person who came from a
message did what the message asked (enrolled in the course).

A tracked click's redirect carries ``pregon=<token>`` (``attribution_url``), a signed token
of the message. The landing page keeps it and, when the goal is reached, reports it with a
pixel (``/t/v/<token>.gif?objetivo=matricula``, pregon.tracking.views.conversions) or from its
server (``POST /api/v1/conversions``). Both come to ``record``: one ``converted`` event per
message and goal, whose ``detail`` is the goal and whose ``method`` says which of the two
measured it. A token we did not sign records nothing. A Moodle sync that finds a new
enrolment after a click measures it a third way (pregon.campaigns.moodle_conversions), many
at once, through ``record_found``; whichever way comes first counts, the others find the
conversion there and add none.

Other apps sign conversion tokens of their own (a pop-up's click carries one): they give the
pixel a reader (``register_reader``, from their ``AppConfig.ready()``, since tracking may not
import them), which ``record_other`` asks about a token that names no message.
"""

import datetime
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from pregon.lib import events, signing
from pregon.sending import announce
from pregon.sending.models import Message
from pregon.tracking import agents
from pregon.tracking.models import ConversionMethod, Event, EventKind, hash_ip

# The query parameter the landing page reads, and the signing kind of its token.
PARAMETER = "pregon"
KIND = "conversion"
DEFAULT_GOAL = "matricula"
MAX_GOAL = 60
# The methods in the order the reports list them: the sync first, which needs nothing pasted
# in the classroom; "" last, the conversions recorded before the method was kept.
METHODS = (ConversionMethod.MOODLE, ConversionMethod.SCRIPT, ConversionMethod.API, "")
UNKNOWN_METHOD = _("Not recorded (a conversion from before Pregón kept the method)")

# Readers of other apps' conversion tokens: reader(token, goal, user_agent, ip) records the
# conversion (the pixel's: measured by the script) and returns True if the token is one of
# theirs, else False.
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


def method_label(method: str) -> str:
    """The words for a conversion's ``method`` (a ``ConversionMethod``, or "" for one
    recorded before the method was kept)."""
    return str(ConversionMethod(method).label) if method else str(UNKNOWN_METHOD)


def record(
    message_id: int,
    goal: str,
    user_agent: str = "",
    ip: str | None = None,
    *,
    method: ConversionMethod,
) -> bool:
    """Record that message ``message_id`` reached ``goal`` (already a ``goal_name``), as
    ``method`` measured it.

    Returns False if that message already had a conversion for that goal, by any method.
    Raises ``Message.DoesNotExist`` if the message was deleted.
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
            method=method,
            user_agent=user_agent[:500],
            client=agent.client,
            device=agent.device,
            ip_hash=hash_ip(ip),
        )
        announce.messages(events.CONVERSION, [(message.pk, {"goal": goal, "method": method})])
    return True


def record_found(
    found: dict[int, datetime.datetime], goal: str, method: ConversionMethod
) -> list[int]:
    """Record that each message of ``found`` (message id: when its conversion was found)
    reached ``goal``, as ``method`` measured it, in a few queries however many there are.

    Messages that already had a conversion for that goal, by any method, and messages
    deleted meanwhile are left out. Returns the ids of the messages recorded.
    """
    if not found:
        return []
    with transaction.atomic():
        # The same row locks as ``record`` takes, in one query and in id order (two
        # batches locking the same messages in different orders could deadlock).
        locked = Message.objects.select_for_update().filter(pk__in=found).order_by("pk")
        ids = list(locked.values_list("pk", flat=True))
        done = set(
            Event.objects.filter(
                message_id__in=ids, kind=EventKind.CONVERTED, detail=goal
            ).values_list("message_id", flat=True)
        )
        new = [pk for pk in ids if pk not in done]
        Event.objects.bulk_create(
            Event(kind=EventKind.CONVERTED, message_id=pk, at=found[pk], detail=goal, method=method)
            for pk in new
        )
        announce.messages(
            events.CONVERSION,
            [(pk, {"goal": goal, "method": method, "at": found[pk].isoformat()}) for pk in new],
        )
    return new


def register_reader(reader: Reader) -> None:
    """Let the pixel accept the conversion tokens ``reader`` knows (see ``Reader``)."""
    if reader not in _readers:
        _readers.append(reader)


def record_other(token_text: str, goal: str, user_agent: str = "", ip: str | None = None) -> bool:
    """Record a conversion whose token another app signed; False if no reader knows it."""
    return any(reader(token_text.strip(), goal, user_agent, ip) for reader in _readers)
