"""A campaign's A/B test: its test portion, the winner, and the rest of the audience.

When the campaign starts (``scheduling.start``), ``start`` freezes each variant's content
into a ``MailingVariant`` of the campaign's mailing and queues the test portion: a random
sample of the audience, dealt in turn to the variants so that they differ by one message at
most. ``AbTest.decide_at`` is then the last variant's send time plus the hours to wait.

The scheduler's tick (``decide_due``) picks the winner of each due automatic test by its
metric and queues the rest of the audience with the winner's content; a test a person
confirms waits for ``send_winner``, called by the campaign's page and the API alike. Either
way the choice goes in the audit log. The campaign does not finish while its winner is
awaited (``awaiting_winner``, read by ``scheduling.follow_mailings``).

The figures are people's, as in the campaign report: unique opens without machines'
(``Event.opening``, which counts a click as an open), unique clicks, and messages with a
conversion; each rate is over the variant's messages that a relay accepted.
"""

import datetime
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pregon.accounts import audit
from pregon.accounts.models import AuditAction
from pregon.campaigns.models import AbKind, AbMetric, AbTest, AbVariant, Campaign, CampaignStatus
from pregon.contacts.models import Contact
from pregon.content import preheader
from pregon.content.models import EmailTemplate
from pregon.sending import engine, links
from pregon.sending.models import Mailing, MailingVariant, Message, MessageStatus
from pregon.tracking.models import Event, EventKind

LETTERS = "ABCD"
# The one field of a variant each kind of test changes; the others are the campaign's.
FIELD = {
    AbKind.SUBJECT: "subject",
    AbKind.SENDER_NAME: "from_name",
    AbKind.CONTENT: "template",
    AbKind.SEND_TIME: "send_at",
}
# A decision can be made while the campaign sends or is paused; not once it was cancelled.
DECIDABLE = (CampaignStatus.SENDING, CampaignStatus.PAUSED)
# Contacts per INSERT when the test portion is queued: the ids go as parameters.
ENQUEUE_BATCH = 500


# The campaign setting each metric needs, and what to say when it is off.
NEEDS = {
    AbMetric.OPENS: (
        ("track_opens",),
        _("This campaign does not count opens: choose another metric, or turn on “Count opens”."),
    ),
    AbMetric.CLICKS: (
        ("track_clicks",),
        _("This campaign does not count clicks: choose another metric, or turn on “Count clicks”."),
    ),
    AbMetric.CONVERSIONS: (
        ("attribute_conversions", "track_clicks"),
        _(
            "This campaign does not attribute conversions: choose another metric, or turn on "
            "“Attribute conversions” (with click counting)."
        ),
    ),
}


class CannotDecide(Exception):
    """The winner was chosen already, the test is not over, the campaign no longer sends,
    or the variant is not one of the test's."""


def test_of(campaign: Campaign) -> AbTest | None:
    """The campaign's A/B test, or None."""
    try:
        return campaign.ab_test
    except AbTest.DoesNotExist:
        return None


def letter(number: int) -> str:
    return LETTERS[number - 1]


def metric_problem(campaign: Campaign, metric: str) -> str:
    """Why ``campaign`` cannot pick a winner by ``metric`` (it does not count it), or ""."""
    settings_needed, message = NEEDS[AbMetric(metric)]
    if all(getattr(campaign, name) for name in settings_needed):
        return ""
    return str(message)


def template_problem(template: EmailTemplate | None) -> str:
    """Why a content variant cannot be sent with ``template``, or ""."""
    if template is None:
        return gettext("Choose a template.")
    if not template.is_ready:
        return gettext("The template “%(name)s” has errors to fix before it can be sent.") % {
            "name": template.name
        }
    return ""


def problems(test: AbTest) -> list[str]:
    """What changed since the test was set up that stops it: a metric the campaign no
    longer counts, a content variant's template deleted or with errors."""
    found = [metric_problem(test.campaign, test.metric)]
    if test.kind == AbKind.CONTENT:
        for variant in test.variants.select_related("template"):
            if problem := template_problem(variant.template):
                found.append(
                    gettext("Variant %(letter)s: %(problem)s")
                    % {"letter": variant.letter, "problem": problem}
                )
    return [problem for problem in found if problem]


def portion_size(audience: int, portion: int, variants: int) -> int:
    """How many of ``audience`` contacts get the variants: ``portion`` percent, at least
    one per variant, at most everyone."""
    return min(audience, max(variants, round(audience * portion / 100)))


def split(ids: list[int], portion: int, variants: int, rng: random.Random) -> list[list[int]]:
    """The test portion of ``ids``, drawn at random and dealt to ``variants`` groups in turn:
    disjoint, and their sizes differ by one at most."""
    chosen = rng.sample(ids, portion_size(len(ids), portion, variants))
    return [chosen[n::variants] for n in range(variants)]


def start(test: AbTest, mailing: Mailing) -> int:
    """Freeze the variants into ``mailing`` (created by ``scheduling.start`` with the
    campaign's content) and queue the test portion; return how many messages it queued.

    Call it in the start's transaction. Raises ``ValueError`` if a content variant's
    template was deleted or has errors since the test was set up.
    """
    campaign = test.campaign
    variants = list(test.variants.select_related("template"))
    _freeze(test, variants, mailing)
    ids = list(campaign.audience().order_by("pk").values_list("pk", flat=True))
    groups = split(ids, test.portion, len(variants), random.SystemRandom())
    count, last = 0, timezone.now()
    for variant, group in zip(variants, groups, strict=True):
        send_after = variant.send_at if test.kind == AbKind.SEND_TIME else None
        for first in range(0, len(group), ENQUEUE_BATCH):
            contacts = Contact.objects.filter(pk__in=group[first : first + ENQUEUE_BATCH])
            count += engine.enqueue(
                mailing, contacts, variant=variant.number, send_after=send_after
            )
        if send_after is not None:
            last = max(last, send_after)
    test.decide_at = last + datetime.timedelta(hours=test.wait_hours)
    test.portion_end = mailing.messages.aggregate(end=Max("pk"))["end"]
    test.save(update_fields=["decide_at", "portion_end"])
    return count


def _freeze(test: AbTest, variants: list[AbVariant], mailing: Mailing) -> None:
    """One ``MailingVariant`` per variant: its subject, sender name or body, the rest the
    mailing's. Variants of content each have their links, numbered after the previous
    one's, and the mailing's own body becomes the first variant's (the click map shows it);
    the other kinds share the mailing's body and its links."""
    campaign = test.campaign
    bodies = [(mailing.html, mailing.text)] * len(variants)
    if test.kind == AbKind.CONTENT:
        urls: list[str] = []
        bodies = []
        for variant in variants:
            template = variant.template
            if template_problem(template):
                raise ValueError(f"variant {variant.letter} has no template ready to send")
            html, found = links.prepare(
                preheader.apply(template.html, campaign.preheader),
                clicks=campaign.track_clicks,
                opens=campaign.track_opens,
                utm=campaign.utm(),
                first=len(urls),
            )
            urls += found
            bodies.append((html, template.text))
        mailing.html, mailing.text = bodies[0]
        mailing.links = urls
        mailing.save(update_fields=["html", "text", "links"])
    MailingVariant.objects.bulk_create(
        MailingVariant(
            mailing=mailing,
            number=variant.number,
            subject=variant.subject if test.kind == AbKind.SUBJECT else mailing.subject,
            from_name=(
                variant.from_name if test.kind == AbKind.SENDER_NAME else mailing.sender.from_name
            ),
            html=html,
            text=text,
        )
        for variant, (html, text) in zip(variants, bodies, strict=True)
    )


@dataclass(frozen=True)
class Tally:
    """What the test portion of one variant did: people's unique opens, clicks and
    messages with a conversion, over the messages a relay accepted (``sent``)."""

    number: int
    recipients: int
    sent: int
    opens: int
    clicks: int
    conversions: int

    @property
    def letter(self) -> str:
        return letter(self.number)

    def count(self, metric: str) -> int:
        return getattr(self, metric)

    def rate(self, metric: str) -> float | None:
        """``metric``'s count over the messages sent, or None before any was sent."""
        return self.count(metric) / self.sent if self.sent else None


def tallies(test: AbTest) -> list[Tally]:
    """Each variant's figures in the test portion, in variant order (zero before it
    started), in one query."""
    numbers = list(test.variants.values_list("number", flat=True))
    rows = {}
    mailing_id = test.campaign.mailing_id
    if mailing_id is not None and test.portion_end is not None:
        distinct = {"distinct": True}
        rows = {
            row["variant"]: row
            for row in Message.objects.filter(
                mailing_id=mailing_id, variant__isnull=False, pk__lte=test.portion_end
            )
            .values("variant")
            .annotate(
                recipients=Count("pk", **distinct),
                sent=Count("pk", filter=Q(status=MessageStatus.SENT), **distinct),
                opens=Count("pk", filter=Event.opening(through="events__"), **distinct),
                clicks=Count("pk", filter=Event.clicking(through="events__"), **distinct),
                conversions=Count("pk", filter=Q(events__kind=EventKind.CONVERTED), **distinct),
            )
            .order_by("variant")
        }
    empty = {"recipients": 0, "sent": 0, "opens": 0, "clicks": 0, "conversions": 0}
    return [
        Tally(
            number=number,
            **{name: rows.get(number, empty)[name] for name in empty},
        )
        for number in numbers
    ]


def leader(test: AbTest, figures: list[Tally] | None = None) -> int:
    """The number of the variant with the best rate of the test's metric; a tie goes to
    the lowest number (variant A before B)."""
    figures = tallies(test) if figures is None else figures
    best = max(figures, key=lambda tally: (tally.rate(test.metric) or 0.0, -tally.number))
    return best.number


def awaiting_winner(campaign: Campaign) -> bool:
    """Whether the campaign has an A/B test whose winner is not chosen yet: it does not
    finish meanwhile, even with nothing queued."""
    return AbTest.objects.filter(campaign=campaign, winner__isnull=True).exists()


def is_over(test: AbTest) -> bool:
    """Whether the test portion's time is up, so that the winner may be chosen."""
    return test.decide_at is not None and test.decide_at <= timezone.now()


def decide_due() -> int:
    """Choose the winner of every automatic test whose time is up and send it to the rest
    of the audience; return how many were decided. Tests a person confirms wait."""
    due = AbTest.objects.filter(
        automatic=True,
        winner__isnull=True,
        decide_at__lte=timezone.now(),
        campaign__status__in=DECIDABLE,
    ).select_related("campaign__mailing")
    decided = 0
    for test in due:
        try:
            send_winner(test, leader(test), by=None)
        except CannotDecide:
            continue  # A person chose it meanwhile, or the campaign was cancelled.
        decided += 1
    return decided


def send_winner(test: AbTest, number: int, by: HttpRequest | None) -> int:
    """Make variant ``number`` the winner and queue the rest of the audience with its
    content (those already queued are skipped); return how many messages it queued. In the
    audit log as asked by the request ``by``, or by the scheduler when None.

    Raises ``CannotDecide`` if the test is not over, its winner was chosen already, its
    campaign is not sending or paused, or it has no variant ``number``.
    """
    campaign = test.campaign
    if not is_over(test) or not test.variants.filter(number=number).exists():
        raise CannotDecide
    user = by.user if by is not None and by.user.is_authenticated else None
    now = timezone.now()
    with transaction.atomic():
        # Conditional, so that the scheduler and a person, or two people, cannot both win.
        chosen = AbTest.objects.filter(
            pk=test.pk, winner__isnull=True, campaign__status__in=DECIDABLE
        ).update(winner=number, decided_at=now, decided_by=user)
        if not chosen:
            raise CannotDecide
        test.winner, test.decided_at, test.decided_by = number, now, user
        count = engine.enqueue(
            campaign.mailing,
            campaign.audience(),
            variant=number,
            send_after=_rest_send_after(test, number),
        )
        audit.record(
            by,
            AuditAction.AB_WINNER,
            campaign.name,
            variant=letter(number),
            by="person" if by is not None else "scheduler",
            messages=count,
        )
    return count


def _rest_send_after(test: AbTest, number: int) -> datetime.datetime | None:
    """When the rest gets the winner: at once; for a test of send times, at the winning
    time of day (in the account's time zone), next time it comes."""
    if test.kind != AbKind.SEND_TIME:
        return None
    zone = ZoneInfo(settings.TIME_ZONE)
    won = timezone.localtime(test.variants.get(number=number).send_at, zone)
    now = timezone.localtime(timezone.now(), zone)
    at = now.replace(hour=won.hour, minute=won.minute, second=0, microsecond=0)
    if at <= now:
        at += datetime.timedelta(days=1)
    return at
