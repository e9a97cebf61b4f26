"""Resends of a campaign: to those who did not open it, some days later, and to those it did
not reach (R21: the messages a system incident left unsent can be sent again).

A resend is a campaign of its own: a copy of its parent with ``resend_of`` and
``resend_kind``, which goes the usual way (a draft, scheduled after a confirmation, started by
the scheduler). Its audience (``recipients``, which ``Campaign.chosen`` asks) is fixed when
it starts, as any campaign's, so that those who open the parent meanwhile do not get it.
The screens (views/resend.py) and the API (routes_resend.py) both call ``create``.

Only what goes out is debited: the engine debits the messages a relay accepted, whatever
campaign they belong to, and the parent's unreached messages never were.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pregon.accounts.models import User
from pregon.campaigns.forms import _checked_merge_tags
from pregon.campaigns.models import (
    COURSE_FIELDS,
    FINAL,
    TRACKING_FIELDS,
    AbKind,
    AbTest,
    Campaign,
    CampaignStatus,
    ResendKind,
)
from pregon.contacts.models import Contact
from pregon.content.models import EmailTemplate
from pregon.sending import unreached
from pregon.sending.models import Bounce, BounceKind, Message, MessageStatus
from pregon.tracking.models import Event

# How many days after its parent started a resend to non-openers may wait.
MAX_DAYS = 30
DEFAULT_DAYS = 3
# A bounce of these kinds means the message did not arrive: it was not "not opened" (as in
# the report's figures and lists, pregon.reports.stats.UNDELIVERED_KINDS).
UNDELIVERED = (BounceKind.HARD, BounceKind.SOFT, BounceKind.SENDER)
# A resend in one of these statuses may still send: another of its kind would mail the
# same people twice.
UNFINISHED = (
    CampaignStatus.DRAFT,
    CampaignStatus.SCHEDULED,
    CampaignStatus.SENDING,
    CampaignStatus.PAUSED,
)


class CannotResend(Exception):
    """The campaign cannot be resent this way now; the message says why, for a person."""


def not_opened(mailing_id: int, human: bool = True) -> QuerySet[Message]:
    """The mailing's messages that a relay accepted, that did not bounce and that nobody
    opened (``Event.opening``: a click counts as an open; machines' opens and clicks only if
    ``human`` is False). The report's list "Did not open" is these messages."""
    seen = Event.objects.filter(Event.opening(human=human), message=OuterRef("pk"))
    lost = Bounce.objects.filter(message=OuterRef("pk"), kind__in=UNDELIVERED)
    return (
        Message.objects.filter(mailing_id=mailing_id, status=MessageStatus.SENT)
        .exclude(Exists(seen))
        .exclude(Exists(lost))
    )


def recipients(campaign: Campaign) -> QuerySet[Contact]:
    """The contacts the resend ``campaign`` is for, before the channel's filters
    (``Campaign.audience``): those of its parent's messages that did not open it, or that it
    did not reach (``unreached.UNREACHED``), but for those another resend of the same kind
    already queued a message for.

    Whatever became of that message, it is the other resend's: if it did not arrive either,
    that resend's own page offers to send it again, so that no path mails anyone twice."""
    parent = campaign.resend_of
    if parent.mailing_id is None:
        return Contact.objects.none()
    if campaign.resend_kind == ResendKind.UNREACHED:
        messages = Message.objects.filter(unreached.UNREACHED, mailing_id=parent.mailing_id)
    else:
        messages = not_opened(parent.mailing_id, human=not campaign.resend_counts_machines)
    siblings = Campaign.objects.filter(resend_of=parent, resend_kind=campaign.resend_kind)
    taken = Message.objects.filter(mailing__campaign__in=siblings.exclude(pk=campaign.pk))
    return Contact.objects.filter(pk__in=messages.values("contact_id")).exclude(
        pk__in=taken.values("contact_id")
    )


def unfinished(parent: Campaign, kind: ResendKind) -> Campaign | None:
    """The resend of ``kind`` of ``parent`` that may still send, if any."""
    resends = parent.resends.filter(resend_kind=kind, status__in=UNFINISHED)
    return resends.order_by("pk").first()


def left_to_reach(parent: Campaign) -> int:
    """How many contacts a new resend to those ``parent`` did not reach would go to now: its
    unreached messages' contacts that no earlier resend took, still subscribed (and not
    enrolled in its course, if it leaves them out, as the resend would)."""
    resend = Campaign(resend_of=parent, resend_kind=ResendKind.UNREACHED, **_course(parent))
    return resend.audience().count()


def reach(parent: Campaign, counts_machines: bool) -> int:
    """How many contacts a new resend to those who did not open ``parent`` would go to now,
    with machines' opens counted as opens or not."""
    resend = Campaign(
        resend_of=parent,
        resend_kind=ResendKind.NON_OPENERS,
        resend_counts_machines=counts_machines,
        **_course(parent),
    )
    return resend.audience().count()


def _course(parent: Campaign) -> dict[str, object]:
    """The course fields a resend copies from ``parent`` (``create``)."""
    return {name: getattr(parent, name) for name in COURSE_FIELDS}


def refusal(parent: Campaign, kind: ResendKind) -> str:
    """Why ``parent`` cannot be resent as ``kind`` now, for a person; "" if it can."""
    if parent.is_sms:
        return gettext("Only an email campaign can be resent.")
    if kind == ResendKind.NON_OPENERS:
        if parent.mailing_id is None:
            return gettext(
                "The campaign has not started: it can be resent to those who did not open it "
                "once it is on its way."
            )
        if not parent.track_opens:
            return gettext(
                "The campaign did not count opens, so it cannot tell who did not open it."
            )
    elif parent.status not in FINAL or parent.mailing_id is None:
        return gettext(
            "The campaign can be sent again to those it did not reach once it has ended."
        )
    if (pending := unfinished(parent, kind)) is not None:
        return gettext("It already has this resend, not yet sent: “%(name)s”.") % {
            "name": pending.name
        }
    if kind == ResendKind.UNREACHED and not left_to_reach(parent):
        return gettext(
            "Nobody is left to reach: the campaign's messages were handed over or sent again, "
            "or their contacts no longer take emails."
        )
    return ""


def planned_at(campaign: Campaign) -> datetime.datetime | None:
    """When the resend to non-openers ``campaign`` is meant to go: its ``resend_days`` after
    its parent started; None for any other campaign."""
    if campaign.resend_days is None or campaign.resend_of.started_at is None:
        return None
    return campaign.resend_of.started_at + datetime.timedelta(days=campaign.resend_days)


NAMES = {
    ResendKind.NON_OPENERS: _("%(name)s (to those who did not open)"),
    ResendKind.UNREACHED: _("%(name)s (to those not reached)"),
}


def create(
    parent: Campaign,
    kind: ResendKind,
    by: User | None,
    *,
    days: int = DEFAULT_DAYS,
    subject: str = "",
    counts_machines: bool = False,
) -> Campaign:
    """A draft resend of ``parent``: its content (an A/B test's winning subject or template,
    once chosen), sender, tracking and lists (for the same List-Id), ``subject`` instead of
    its subject if given. A resend to non-openers is meant
    to go ``days`` after the parent started (``planned_at``).

    Raises ``CannotResend`` with ``refusal``'s words if it cannot be resent so now.
    """
    with transaction.atomic():
        # The parent's row is locked, so that two people pressing the button at once make
        # one resend, and the second is told about the first.
        parent = Campaign.objects.select_for_update().get(pk=parent.pk)
        problem = refusal(parent, kind)
        if problem:
            raise CannotResend(problem)
        name = str(NAMES[kind] % {"name": parent.name})
        won_subject, won_template = _winner(parent)
        resend = Campaign.objects.create(
            name=name[:150],
            subject=subject.strip() or won_subject,
            preheader=parent.preheader,
            sender=parent.sender,
            template=won_template,
            created_by=by,
            resend_of=parent,
            resend_kind=kind,
            resend_counts_machines=counts_machines and kind == ResendKind.NON_OPENERS,
            resend_days=days if kind == ResendKind.NON_OPENERS else None,
            **{name: getattr(parent, name) for name in TRACKING_FIELDS},
            **_course(parent),
        )
        for relation in ("include_lists", "include_segments", "exclude_lists", "exclude_segments"):
            getattr(resend, relation).set(getattr(parent, relation).all())
    return resend


def _winner(parent: Campaign) -> tuple[str, EmailTemplate | None]:
    """The subject and template the resend of ``parent`` takes: those of its A/B test's
    winner once one is chosen (what most of its audience got), else its own."""
    test = AbTest.objects.filter(campaign=parent, winner__isnull=False).first()
    if test is None:
        return parent.subject, parent.template
    won = test.variants.select_related("template").get(number=test.winner)
    if test.kind == AbKind.SUBJECT:
        return won.subject, parent.template
    if test.kind == AbKind.CONTENT and won.template is not None:
        return parent.subject, won.template
    return parent.subject, parent.template


class MachineOpens:
    """The two answers to "do machines' opens and clicks count as opens?"."""

    PEOPLE = "people"
    EVERY = "every"
    CHOICES = (
        (
            PEOPLE,
            _(
                "Only people's opens and clicks count: those whose only open was a machine's "
                "(Apple Mail Privacy Protection, an antivirus checking links) get the resend"
            ),
        ),
        (
            EVERY,
            _(
                "Machines' opens and clicks count too: fewer people get the resend, but some "
                "who never read it are left out"
            ),
        ),
    )


class NonOpenersForm(forms.Form):
    """A resend to those who did not open: after how many days, an optional new subject, and
    whether machines' opens count (the screen and the API alike)."""

    days = forms.IntegerField(
        label=_("Send it this many days after the campaign started"),
        min_value=0,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
    )
    subject = forms.CharField(
        label=_("New subject"),
        max_length=255,
        required=False,
        help_text=_("Empty: the campaign's own subject. You may use merge tags."),
    )
    machines = forms.ChoiceField(
        label=_("Who counts as having opened it"),
        choices=MachineOpens.CHOICES,
        initial=MachineOpens.PEOPLE,
        widget=forms.RadioSelect,
    )

    def clean_subject(self) -> str:
        return _checked_merge_tags(self.cleaned_data["subject"])

    def create(self, parent: Campaign, by: User | None) -> Campaign:
        """The valid form's resend (``create``); raises ``CannotResend``."""
        return create(
            parent,
            ResendKind.NON_OPENERS,
            by,
            days=self.cleaned_data["days"],
            subject=self.cleaned_data["subject"],
            counts_machines=self.cleaned_data["machines"] == MachineOpens.EVERY,
        )


@dataclass(frozen=True)
class Unreached:
    """What a finished campaign's page says of the messages it did not get to their
    recipients: how many, why (reason label and count, those with any), how many of them a
    system incident left unsent, and why a resend to them is not offered ("" if it is)."""

    total: int
    incident_count: int
    reasons: list[tuple[str, str, int]]
    refusal: str


def summary(campaign: Campaign) -> Unreached | None:
    """``Unreached`` of an email ``campaign`` that ended with messages unreached; else None."""
    if campaign.is_sms or campaign.status not in FINAL or campaign.mailing_id is None:
        return None
    counts = unreached.counts(campaign.mailing_id)
    total = sum(counts.values())
    if not total:
        return None
    reasons = [
        (reason.value, str(reason.label), counts[reason])
        for reason in unreached.Reason
        if counts[reason]
    ]
    return Unreached(
        total=total,
        incident_count=sum(n for reason, n in counts.items() if reason in unreached.INCIDENT),
        reasons=reasons,
        refusal=refusal(campaign, ResendKind.UNREACHED),
    )
