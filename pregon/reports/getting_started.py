"""The first-run checklist on the dashboard: the seven steps from an empty account to a first
campaign, each ticked from what exists (never from what was clicked), each linking to the
screen that does it."""

from dataclasses import dataclass, replace

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from pregon.accounts.models import Role, User
from pregon.campaigns.models import Campaign, CampaignStatus, Channel
from pregon.contacts.models import Contact
from pregon.content.models import BrandKit, EmailTemplate
from pregon.domains.models import DomainStatus
from pregon.sending import transports
from pregon.sending.models import SenderIdentity


@dataclass(frozen=True)
class Step:
    """One step: its stable ``key`` (for the API and tests), what to do, where, whether it
    is done, and the role its screen needs."""

    key: str
    title: str
    help: str
    url: str
    is_done: bool
    role: str = Role.EDITOR


@dataclass(frozen=True)
class Checklist:
    steps: list[Step]

    @property
    def done_count(self) -> int:
        return sum(step.is_done for step in self.steps)

    @property
    def is_complete(self) -> bool:
        return self.done_count == len(self.steps)

    @property
    def next_step(self) -> Step | None:
        """The first step not done yet, or None when all are."""
        return next((step for step in self.steps if not step.is_done), None)


def _brand_kit() -> Step:
    # Read, not BrandKit.load(): looking at the dashboard should not create the row.
    brand = BrandKit.objects.filter(pk=1).first()
    return Step(
        "brand_kit",
        _("Fill in your brand kit"),
        _(
            "Your organisation's name, website and postal address: every new template "
            "takes them, instead of placeholders."
        ),
        reverse("content:brand"),
        brand is not None and brand.is_filled_in,
    )


def _relay() -> Step:
    return Step(
        "relay",
        _("Connect a sending relay"),
        _(
            "The mail server or provider that delivers your messages. Until then, they "
            "only reach the test mailbox."
        ),
        reverse("sending:backends"),
        transports.in_use().exists(),
        Role.ADMIN,
    )


def _sender() -> Step:
    # One on a verified domain if there is one.
    verified = ExpressionWrapper(Q(domain__status=DomainStatus.VERIFIED), BooleanField())
    sender = SenderIdentity.objects.select_related("domain").order_by(verified.desc(), "pk").first()
    if sender is None:
        help_text = _("The name and address your messages come from, on your own domain.")
        url = reverse("sending:sender_create")
    elif not sender.domain.is_verified:
        help_text = _(
            "The domain %(domain)s is not verified yet: publish its DNS records so that "
            "mailbox providers trust your messages."
        ) % {"domain": sender.domain.name}
        url = reverse("domains:detail", args=[sender.domain.code])
    else:
        help_text = _("%(sender)s, on a verified domain.") % {"sender": sender}
        url = reverse("sending:senders")
    return Step("sender", _("Add a sender and its domain"), help_text, url, sender is not None)


def _contacts() -> Step:
    return Step(
        "contacts",
        _("Import your contacts"),
        _("A spreadsheet (CSV or Excel) with their addresses, into a list."),
        reverse("contacts:imports"),
        Contact.objects.exists(),
    )


def _template() -> Step:
    return Step(
        "template",
        _("Create your first template"),
        _("Start from a design of the gallery, with your brand kit already applied."),
        reverse("content:gallery"),
        EmailTemplate.objects.exists(),
    )


def _campaign_steps() -> list[Step]:
    """The test send and the first campaign: both link to the newest draft's page, or to
    the new campaign form if there is none. Email campaigns only: a test SMS says nothing
    of the relay that takes the account's email."""
    emails = Campaign.objects.filter(channel=Channel.EMAIL)
    figures = emails.aggregate(
        tested=Count("pk", filter=Q(tested_at__isnull=False)),
        started=Count("pk", filter=~Q(status=CampaignStatus.DRAFT)),
    )
    draft = emails.filter(status=CampaignStatus.DRAFT).order_by("-created_at").first()
    url = reverse("campaigns:detail", args=[draft.code]) if draft else ""
    return [
        Step(
            "test_send",
            _("Send yourself a test"),
            _("From a campaign's page, to your own address: see it as your recipients will."),
            f"{url}#campaign-test" if draft else reverse("campaigns:create"),
            figures["tested"] > 0,
        ),
        Step(
            "campaign",
            _("Send or schedule your first campaign"),
            _("Choose its audience, check the summary and confirm."),
            url or reverse("campaigns:create"),
            figures["started"] > 0,
        ),
    ]


def checklist(user: User) -> Checklist:
    """The account's first-run checklist, in the order a newcomer goes through it; a step
    whose screen ``user`` may not open has no link (``url`` is empty)."""
    steps = [
        _brand_kit(),
        _relay(),
        _sender(),
        _contacts(),
        _template(),
        *_campaign_steps(),
    ]
    return Checklist(
        [step if user.has_role(step.role) else replace(step, url="") for step in steps]
    )
