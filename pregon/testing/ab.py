"""A/B-tested campaigns for the tests of several apps: set up through the screen's form,
started by the scheduler, and people's opens of their messages."""

import datetime

from django.utils import timezone

from pregon.campaigns import scheduling
from pregon.campaigns.ab_forms import AbTestForm
from pregon.campaigns.models import AbKind, AbMetric, Campaign
from pregon.sending.models import Message, MessageStatus
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.tracking.models import Event, EventKind

SUBJECTS = ("Curso de diciembre: inscríbete", "Últimos cupos del curso de diciembre")


def ab_draft(
    contacts: int = 20,
    portion: int = 50,
    automatic: bool = True,
    metric: str = AbMetric.OPENS,
    subjects: tuple[str, ...] = SUBJECTS,
) -> Campaign:
    """A draft to ``contacts`` subscribed contacts with an A/B test of its subjects (A is
    the campaign's own), winner after 4 hours."""
    campaign = campaign_to(contacts_on_a_list(contacts), subject=subjects[0])
    campaign.unschedule()
    data = {
        "kind": AbKind.SUBJECT,
        "portion": portion,
        "wait_hours": 4,
        "metric": metric,
        "automatic": "on" if automatic else "",
    }
    data.update({f"subject_{n}": subject for n, subject in enumerate(subjects, start=1)})
    form = AbTestForm(campaign, data)
    if not form.is_valid():
        raise ValueError(form.errors)
    form.save()
    campaign.refresh_from_db()
    return campaign


def started(campaign: Campaign) -> Campaign:
    """``campaign`` started by the scheduler now, its test portion queued."""
    campaign.schedule(timezone.now())
    scheduling.start_due_campaigns()
    campaign.refresh_from_db()
    return campaign


def sent_portion(campaign: Campaign) -> dict[int, list[Message]]:
    """The test portion's messages marked sent, by variant number."""
    messages = Message.objects.filter(mailing=campaign.mailing).order_by("pk")
    messages.update(status=MessageStatus.SENT, sent_at=timezone.now())
    by_variant: dict[int, list[Message]] = {}
    for message in messages:
        by_variant.setdefault(message.variant, []).append(message)
    return by_variant


def opened(messages: list[Message], machine: str = "", kind: str = EventKind.OPENED) -> None:
    """An event of ``kind`` (a person's unless ``machine``) on each of ``messages``."""
    at = timezone.now() - datetime.timedelta(minutes=1)
    Event.objects.bulk_create(
        Event(kind=kind, message=message, machine=machine, at=at) for message in messages
    )
