import datetime
import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pregon.contacts import segments
from pregon.contacts.models import Contact, MailingList, Segment, Status, Subscription, Suppression
from pregon.content.models import EmailTemplate
from pregon.moodle.models import Course
from pregon.moodle.segment_rules import enrolled
from pregon.sending import sms
from pregon.sending.models import (
    Mailing,
    MailingStatus,
    Message,
    MessageStatus,
    SenderIdentity,
    SmsMessage,
    SmsStatus,
)
from pregon.sending.sms import gateways
from pregon.sending.utm import Utm


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", "SMS"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    PAUSED = "paused", _("Paused")
    SENT = "sent", _("Sent")
    # Done, but some messages failed: the campaign's page says how many, and why.
    SENT_WITH_ERRORS = "partial", _("Sent with errors")
    CANCELLED = "cancelled", _("Cancelled")
    # Could not start, or not one of its messages was accepted.
    FAILED = "failed", _("Failed")


# The moves a campaign may make: target status -> the statuses it may come from.
TRANSITIONS = {
    CampaignStatus.SCHEDULED: {CampaignStatus.DRAFT},
    CampaignStatus.DRAFT: {CampaignStatus.SCHEDULED},
    CampaignStatus.SENDING: {CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.PAUSED},
    CampaignStatus.PAUSED: {CampaignStatus.SENDING},
    CampaignStatus.SENT: {CampaignStatus.SENDING},
    CampaignStatus.SENT_WITH_ERRORS: {CampaignStatus.SENDING},
    CampaignStatus.CANCELLED: {
        CampaignStatus.DRAFT,
        CampaignStatus.SCHEDULED,
        CampaignStatus.SENDING,
        CampaignStatus.PAUSED,
    },
    CampaignStatus.FAILED: {CampaignStatus.SCHEDULED, CampaignStatus.SENDING},
}
# The statuses a campaign never leaves: nothing more is sent, so its page stops polling.
FINAL = frozenset(
    {
        CampaignStatus.SENT,
        CampaignStatus.SENT_WITH_ERRORS,
        CampaignStatus.CANCELLED,
        CampaignStatus.FAILED,
    }
)


class IllegalTransition(Exception):
    """The campaign is not in a status it may leave for the one asked."""


# A message (email or SMS) in one of these is still to be dealt with.
PENDING = (MessageStatus.QUEUED, MessageStatus.SENDING)
# Handed over: to a relay (email), or to a gateway (SMS, whether a receipt came back yet or
# said it was delivered or not).
HANDED_OVER = (MessageStatus.SENT, SmsStatus.DELIVERED, SmsStatus.UNDELIVERED)
# The reply of the queued SMS that a cancelled campaign left unsent.
SMS_CANCELLED = "campaign cancelled"


@dataclass(frozen=True)
class Blockers:
    """What stops a campaign from being sent, worded for the person who can fix it, by field
    (``sender``, ``template``, ``audience``; the campaign's page lists them, the API answers
    them by field), and how many contacts it would go to now (None if it can't be told)."""

    count: int | None
    problems: dict[str, str]


@dataclass(frozen=True)
class Failure:
    """The answer most of a campaign's failed messages got, and how many got it."""

    code: int | None
    reply: str
    count: int

    @property
    def explanation(self) -> str:
        """What happened, in plain words, for the person who sent the campaign."""
        if self.code is None:
            return str(
                _("The messages could not be prepared or handed over to the sending server.")
            )
        if self.code < 500:
            return str(_("The sending server kept deferring them until the retries ran out."))
        return str(_("The sending server refused them."))

    @property
    def detail(self) -> str:
        """The answer itself, as the server (or Pregón) gave it."""
        return f"{self.code} {self.reply}" if self.code else self.reply


@dataclass(frozen=True)
class Progress:
    """A campaign's messages (emails, or SMS) by status (every status of its channel, 0 when
    none), and the answer most of its failed messages got (None if none failed), as the
    campaign's page and the API show them."""

    counts: dict[str, int]
    failure: Failure | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def percent(self) -> int:
        """The share of the messages already dealt with, 0 to 100."""
        done = self.total - sum(self.counts[status] for status in PENDING)
        return done * 100 // self.total if self.total else 0

    @property
    def sent(self) -> int:
        """The messages handed over to a relay or an SMS gateway."""
        return sum(self.counts.get(status, 0) for status in HANDED_OVER)

    @property
    def accepted(self) -> int:
        """The messages that went somewhere: handed over, or kept in the test mailbox."""
        return self.sent + self.counts.get(MessageStatus.OUTBOX, 0)


# The campaign's tracking and impact settings: edited, copied and offered by the API alike.
TRACKING_FIELDS = [
    "track_opens",
    "track_clicks",
    "attribute_conversions",
    "add_utm",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content_per_link",
]
# The Moodle course an email campaign announces, and whether those already enrolled in it
# are left out of its audience.
COURSE_FIELDS = ["course", "exclude_enrolled"]
# The columns an edit writes (screens and API): never the status, which another request may
# have changed meanwhile.
EDITABLE_FIELDS = [
    "name",
    "subject",
    "preheader",
    "sender",
    "template",
    *TRACKING_FIELDS,
    *COURSE_FIELDS,
    "updated_at",
]
# Those of an SMS campaign.
SMS_EDITABLE_FIELDS = ["name", "sms_text", "updated_at"]
# The characters an SMS campaign's text may have (about seven parts of UCS-2).
SMS_MAX_LENGTH = 480


class ResendKind(models.TextChoices):
    NON_OPENERS = "non_openers", _("Those who did not open")
    UNREACHED = "unreached", _("Those not reached")


class Approval(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Campaign(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    # An SMS campaign has a text instead of a subject, a sender and a template; the same
    # audience, scheduling and status machine.
    channel = models.CharField(
        _("channel"), max_length=5, choices=Channel.choices, default=Channel.EMAIL
    )
    sms_text = models.TextField(
        _("SMS text"),
        max_length=SMS_MAX_LENGTH,
        blank=True,
        help_text=_("You may use merge tags, such as {{ nombre }}; web links are shortened."),
    )
    # The contacts of an SMS campaign's audience it left out when it started, because they
    # opted out of SMS or have no mobile number.
    sms_left_out_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    subject = models.CharField(_("subject"), max_length=255)
    preheader = models.CharField(
        _("preheader"),
        max_length=255,
        blank=True,
        help_text=_("The line inbox lists show after the subject."),
    )
    sender = models.ForeignKey(
        SenderIdentity, verbose_name=_("sender"), on_delete=models.PROTECT, null=True
    )
    template = models.ForeignKey(
        EmailTemplate, verbose_name=_("template"), on_delete=models.SET_NULL, null=True
    )
    include_lists = models.ManyToManyField(
        MailingList, blank=True, related_name="+", verbose_name=_("send to lists")
    )
    include_segments = models.ManyToManyField(
        Segment, blank=True, related_name="+", verbose_name=_("send to segments")
    )
    exclude_lists = models.ManyToManyField(
        MailingList, blank=True, related_name="+", verbose_name=_("leave out lists")
    )
    exclude_segments = models.ManyToManyField(
        Segment, blank=True, related_name="+", verbose_name=_("leave out segments")
    )
    track_opens = models.BooleanField(
        _("count opens"),
        default=True,
        help_text=_("An invisible image tells when the message is opened."),
    )
    track_clicks = models.BooleanField(
        _("count clicks"),
        default=True,
        help_text=_("Links pass through Pregón, which counts each click and sends the person on."),
    )
    # Impact (R13): UTM tags for web analytics, and the code that lets the virtual classroom
    # report an enrolment back (pregon.tracking.conversions).
    add_utm = models.BooleanField(
        _("add UTM parameters"),
        default=True,
        help_text=_(
            "Web analytics (Google Analytics, Matomo) then show which visits came from this "
            "campaign."
        ),
    )
    utm_source = models.CharField(_("utm_source"), max_length=100, default="pregon", blank=True)
    utm_medium = models.CharField(_("utm_medium"), max_length=100, default="email", blank=True)
    utm_campaign = models.CharField(
        _("utm_campaign"),
        max_length=100,
        blank=True,
        help_text=_("Empty: the campaign's name, in lower case with dashes."),
    )
    utm_content_per_link = models.BooleanField(
        _("name each link in utm_content (enlace-1, enlace-2…)"), default=False
    )
    attribute_conversions = models.BooleanField(
        _("attribute conversions"),
        default=True,
        help_text=_(
            "A clicked link carries a code (pregon=…) with which the enrolment page can "
            "report an enrolment for this campaign. Needs click counting."
        ),
    )
    # The Moodle course it announces: new enrolments in it after a click are its
    # conversions (pregon.campaigns.moodle_conversions), and those already enrolled can be
    # left out of its audience.
    course = models.ForeignKey(
        Course,
        verbose_name=_("course it announces"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    exclude_enrolled = models.BooleanField(
        _("leave out those already enrolled in the course"), default=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When a test of it was last accepted (by a relay, or kept in the test mailbox): the
    # dashboard's first-run checklist reads it, as nothing else records a test send.
    tested_at = models.DateTimeField(null=True, blank=True, editable=False)
    mailing = models.OneToOneField(Mailing, null=True, blank=True, on_delete=models.PROTECT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # A resend (pregon.campaigns.resend): its audience is those of ``resend_of``'s messages
    # that did not open it, or that it did not reach (R21), when it starts.
    resend_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="resends"
    )
    resend_kind = models.CharField(max_length=11, choices=ResendKind.choices, blank=True)
    # Non-openers: whether opens and clicks by machines (privacy proxies, link scanners)
    # count as opens, so that those contacts do not get the resend.
    resend_counts_machines = models.BooleanField(
        _("count machine opens and clicks as opens"), default=False
    )
    # Non-openers: how many days after ``resend_of`` started it is meant to go; its page
    # offers to schedule it then.
    resend_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # Its non-personalised copy may be seen by anyone with the link (pregon.campaigns.archive).
    public_archive = models.BooleanField(
        _("public web version"),
        default=False,
        help_text=_(
            "Anyone with the link can see the message without personal data, to share it on "
            "social media or WhatsApp."
        ),
    )
    # Staff who get the PDF report by email when it finishes.
    report_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("email the PDF report when it finishes to"),
    )
    # Approval (pregon.campaigns.approval): requested, approved or refused, by whom, and a
    # digest of what was approved, so that an edit after approval needs a new one.
    approval = models.CharField(max_length=9, choices=Approval.choices, blank=True)
    approval_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approval_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approval_decided_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.CharField(max_length=500, blank=True)
    approval_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campaign")
        indexes = [models.Index(fields=["status", "scheduled_at"])]

    def __str__(self) -> str:
        return self.name

    def move(self, to: CampaignStatus, allowed: set[str] | None = None, **changes: object) -> None:
        """Change the status to ``to`` with a conditional UPDATE, with ``changes``.

        ``allowed`` narrows the statuses it may come from. Raises ``IllegalTransition`` if
        the campaign (as stored, not as in memory) is not in one of them: two people pressing
        buttons at once cannot both win.
        """
        sources = TRANSITIONS[to] & (allowed or TRANSITIONS[to])
        changes = {"status": to, "updated_at": timezone.now(), **changes}
        moved = Campaign.objects.filter(pk=self.pk, status__in=sources).update(**changes)
        if not moved:
            raise IllegalTransition(f"{self.status} -> {to}")
        for name, value in changes.items():
            setattr(self, name, value)

    @property
    def is_sms(self) -> bool:
        return self.channel == Channel.SMS

    def audience(self) -> QuerySet[Contact]:
        """The contacts the campaign goes to: those ``chosen``; for an email, subscribed,
        not suppressed and not pausing emails (the preference centre); for an SMS, not
        opted out of SMS and with a phone (which ``sms.recipients`` checks takes SMS). Each
        channel keeps its own opt-outs."""
        contacts = self.chosen()
        if self.is_sms:
            return contacts.filter(sms_opted_out_at__isnull=True).exclude(phone="")
        contacts = contacts.filter(status=Status.SUBSCRIBED).exclude(
            paused_until__gt=timezone.now()
        )
        return contacts.exclude(Exists(Suppression.objects.filter(email=OuterRef("email"))))

    def chosen(self) -> QuerySet[Contact]:
        """The contacts on an included list or in an included segment, on no excluded list
        and in no excluded segment, whatever their channels' opt-outs. A resend's are instead
        those of its parent's messages that did not open it or that it did not reach
        (``resend.recipients``). Either way, with ``exclude_enrolled``, not those enrolled
        in the course it announces (as the last sync from Moodle saw them)."""
        contacts = self._listed()
        if self.exclude_enrolled and self.course_id is not None:
            contacts = contacts.filter(enrolled(negated=True, course_id=self.course_id))
        return contacts

    def _listed(self) -> QuerySet[Contact]:
        if self.resend_of_id is not None:
            from pregon.campaigns import resend  # It builds on this module.

            return resend.recipients(self)
        included = Q(pk__in=[])
        list_ids = list(self.include_lists.values_list("pk", flat=True))
        if list_ids:
            on_lists = Subscription.objects.filter(
                contact=OuterRef("pk"), mailing_list_id__in=list_ids
            )
            included |= Q(Exists(on_lists))
        for segment in self.include_segments.all():
            included |= segments.to_q(segment.rules)
        contacts = Contact.objects.filter(included)
        excluded_lists = list(self.exclude_lists.values_list("pk", flat=True))
        if excluded_lists:
            contacts = contacts.exclude(
                Exists(
                    Subscription.objects.filter(
                        contact=OuterRef("pk"), mailing_list_id__in=excluded_lists
                    )
                )
            )
        for segment in self.exclude_segments.all():
            contacts = contacts.exclude(segments.to_q(segment.rules))
        return contacts

    def list_id(self) -> str:
        """The List-Id (RFC 2919) of its messages: an id of the lists and segments it goes
        to, under the sender's domain.

        Campaigns to the same audience share it, as mailbox providers expect of a list, and
        it names nothing (neither the campaign nor its lists), so it is valid and shows no
        internal name whatever those names hold.
        """
        list_codes = self.include_lists.values_list("code", flat=True)
        segment_codes = self.include_segments.values_list("code", flat=True)
        audience = sorted(f"list:{code.hex}" for code in list_codes)
        audience += sorted(f"segment:{code.hex}" for code in segment_codes)
        label = hashlib.sha256(" ".join(audience).encode()).hexdigest()[:32]
        return f"<{label}.{self.sender.domain.name}>"

    def missing(self) -> dict[str, str]:
        """What it lacks before anything, even a test, can be sent, by field: its sender,
        its template; for an SMS, its text and a gateway in use."""
        found = {}
        if self.is_sms:
            if not self.sms_text.strip():
                found["sms_text"] = gettext("Write the text of the SMS.")
            if gateways.active() is None:
                found["gateway"] = gettext(
                    "No SMS gateway is in use: an administrator sets one up on the SMS "
                    "gateways page."
                )
            return found
        if self.sender_id is None:
            found["sender"] = gettext("Choose a sender.")
        if self.template_id is None:
            found["template"] = gettext("Choose a template.")
        return found

    def blockers(self) -> Blockers:
        """What stops it from being scheduled (``missing``, a template with errors, nobody
        to send to, an A/B test that cannot start, an administrator's approval it needs),
        and the size of its audience now."""
        problems = self.missing()
        if self.template_id is not None and not self.template.is_ready:
            problems["template"] = gettext(
                "The template “%(name)s” has errors to fix before it can be sent."
            ) % {"name": self.template.name}
        count, error = self._audience_count()
        if count is None:
            problems["audience"] = gettext("The audience cannot be counted: %(error)s") % {
                "error": error
            }
        elif count == 0 and self.is_sms:
            problems["audience"] = gettext(
                "Nobody would receive it: choose lists or segments with contacts who have a "
                "mobile phone and have not opted out of SMS."
            )
        elif count == 0:
            problems["audience"] = gettext(
                "Nobody would receive it: choose lists or segments with subscribed contacts."
            )
        # Imported here: the approval and A/B modules build on this one.
        from pregon.campaigns import ab, approval

        if not self.is_sms and (test := ab.test_of(self)) is not None:
            if found := ab.problems(test):
                problems["ab_test"] = " ".join(found)
        if waiting := approval.problem(self, count):
            problems["approval"] = waiting
        return Blockers(count, problems)

    def recipient_count(self) -> int | None:
        """Before it starts, how many contacts it would go to now; once started, the messages
        it queued. None if a segment can no longer be read, or if it ended before starting.

        A query of several campaigns annotates ``message_count``, which is read instead of
        counting each campaign's messages.
        """
        if self.mailing_id:
            count = getattr(self, "message_count", None)
            return self.mailing.messages.count() if count is None else count
        if self.is_sms and self.started_at:
            return SmsMessage.objects.filter(campaign_id=self.pk).count()
        if self.status not in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
            return None
        return self._audience_count()[0]

    def _audience_count(self) -> tuple[int | None, str]:
        """How many contacts it would go to now; or None, and why it can't be told."""
        try:
            if self.is_sms:
                return sum(1 for _recipient in sms.recipients(self.audience())), ""
            return self.audience().count(), ""
        except ValueError as error:
            # A segment whose rules name a list, tag or field that was deleted since.
            return None, str(error)

    def progress(self) -> Progress:
        """Its messages (emails, or SMS) by status, and their commonest failure; all zero
        until it has started."""
        if self.is_sms:
            return self._sms_progress()
        counts = dict.fromkeys(MessageStatus.values, 0)
        if self.mailing_id:
            rows = Message.objects.filter(mailing_id=self.mailing_id).values_list("status")
            counts.update(dict(rows.annotate(n=Count("id"))))
        failure = self._commonest_failure() if counts[MessageStatus.FAILED] else None
        return Progress(counts, failure)

    def _commonest_failure(self) -> Failure | None:
        """The answer most of its failed messages got, or None if none failed."""
        row = (
            Message.objects.filter(mailing_id=self.mailing_id, status=MessageStatus.FAILED)
            .values("smtp_code", "reply")
            .annotate(n=Count("id"))
            .order_by("-n", "smtp_code", "reply")
            .first()
        )
        return Failure(row["smtp_code"], row["reply"], row["n"]) if row else None

    def _sms_progress(self) -> Progress:
        counts = dict.fromkeys(SmsStatus.values, 0)
        messages = SmsMessage.objects.filter(campaign_id=self.pk).order_by()
        counts.update(dict(messages.values_list("status").annotate(n=Count("id"))))
        failure = None
        if counts[SmsStatus.FAILED]:
            row = (
                messages.filter(status=SmsStatus.FAILED)
                .values("reply")
                .annotate(n=Count("id"))
                .order_by("-n", "reply")
                .first()
            )
            failure = Failure(None, row["reply"], row["n"])
        return Progress(counts, failure)

    def utm(self) -> Utm | None:
        """The UTM tags its links get, or None if it adds none; empty values take defaults."""
        if not self.add_utm:
            return None
        return Utm(
            source=self.utm_source.strip() or "pregon",
            medium=self.utm_medium.strip() or "email",
            campaign=self.utm_campaign.strip() or slugify(self.name) or "campana",
            content_per_link=self.utm_content_per_link,
        )

    def record_test(self) -> None:
        """Remember that a test of it was just accepted (``engine.send_tests`` calls it)."""
        self.tested_at = timezone.now()
        Campaign.objects.filter(pk=self.pk).update(tested_at=self.tested_at)

    def schedule(self, at: datetime.datetime) -> None:
        """Send at ``at`` (now or later): the scheduler's next tick after it starts it."""
        self.move(CampaignStatus.SCHEDULED, scheduled_at=at)

    def unschedule(self) -> None:
        self.move(CampaignStatus.DRAFT, scheduled_at=None)

    def pause(self) -> None:
        """Stop handing messages over until resumed. Raises ``IllegalTransition`` for an SMS
        campaign, whose SMS the sender hands over regardless: it can only be cancelled."""
        if self.is_sms:
            raise IllegalTransition(f"{self.status} -> paused (SMS)")
        with transaction.atomic():
            self.move(CampaignStatus.PAUSED)
            Mailing.objects.filter(pk=self.mailing_id).update(status=MailingStatus.PAUSED)

    def resume(self) -> None:
        with transaction.atomic():
            self.move(CampaignStatus.SENDING, allowed={CampaignStatus.PAUSED})
            Mailing.objects.filter(pk=self.mailing_id).update(
                status=MailingStatus.ACTIVE, pause_reason=""
            )

    def cancel(self) -> None:
        """Stop for good: messages not sent yet never will be (queued SMS are marked
        skipped, with the reason)."""
        with transaction.atomic():
            self.move(CampaignStatus.CANCELLED, finished_at=timezone.now())
            if self.mailing_id:
                Mailing.objects.filter(pk=self.mailing_id).update(status=MailingStatus.CANCELLED)
            if self.is_sms:
                SmsMessage.objects.filter(campaign_id=self.pk, status=SmsStatus.QUEUED).update(
                    status=SmsStatus.SKIPPED, reply=SMS_CANCELLED
                )

    def duplicate(self, user: object) -> "Campaign":
        """A new draft with the same content, sender and audience. A resend's copy is a
        resend too (its audience is its parent's non-openers or unreached, less those
        another resend took), not a campaign to the parent's whole lists."""
        copy = Campaign.objects.create(
            name=str(_("Copy of %(name)s") % {"name": self.name})[:150],
            channel=self.channel,
            sms_text=self.sms_text,
            subject=self.subject,
            preheader=self.preheader,
            sender=self.sender,
            template=self.template,
            created_by=user,
            resend_of=self.resend_of,
            resend_kind=self.resend_kind,
            resend_counts_machines=self.resend_counts_machines,
            resend_days=self.resend_days,
            **{name: getattr(self, name) for name in [*TRACKING_FIELDS, *COURSE_FIELDS]},
        )
        for relation in ("include_lists", "include_segments", "exclude_lists", "exclude_segments"):
            getattr(copy, relation).set(getattr(self, relation).all())
        return copy


class AbKind(models.TextChoices):
    SUBJECT = "subject", _("Subject")
    SENDER_NAME = "sender_name", _("Sender name")
    CONTENT = "content", _("Content (template)")
    SEND_TIME = "send_time", _("Send time")


class AbMetric(models.TextChoices):
    OPENS = "opens", _("Unique opens (machines excluded)")
    CLICKS = "clicks", _("Unique clicks")
    CONVERSIONS = "conversions", _("Conversions")


class AbTest(models.Model):
    """A campaign's A/B test (pregon.campaigns.ab): its variants go to ``portion`` percent
    of the audience, split evenly at random; after ``wait_hours`` the variant with the best
    ``metric`` wins, and the rest of the audience gets it, at once if ``automatic``, or when
    a person confirms."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="ab_test")
    kind = models.CharField(_("what to test"), max_length=11, choices=AbKind.choices)
    portion = models.PositiveSmallIntegerField(
        _("test portion (%)"),
        default=20,
        help_text=_("The share of the audience that gets the variants."),
    )
    wait_hours = models.PositiveSmallIntegerField(_("choose the winner after (hours)"), default=4)
    metric = models.CharField(
        _("winner by"), max_length=11, choices=AbMetric.choices, default=AbMetric.OPENS
    )
    automatic = models.BooleanField(
        _("send the winner automatically"),
        default=True,
        help_text=_("Otherwise a person confirms the winner before the rest is sent."),
    )
    # Set when the test portion is queued, and when the winner is chosen and sent.
    decide_at = models.DateTimeField(null=True, blank=True)
    winner = models.PositiveSmallIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The id of the test portion's last message: the messages of the mailing after it are
    # the rest of the audience, which got the winner (its ids come later: it is queued
    # after the test portion's transaction committed).
    portion_end = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("A/B test")

    def __str__(self) -> str:
        return f"A/B {self.kind} of {self.campaign_id}"


class AbVariant(models.Model):
    """One variant of an A/B test: ``number`` 1 to 4 (shown as A to D), and what it changes
    (the others take the campaign's own values)."""

    test = models.ForeignKey(AbTest, on_delete=models.CASCADE, related_name="variants")
    number = models.PositiveSmallIntegerField()
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    from_name = models.CharField(_("sender name"), max_length=100, blank=True)
    template = models.ForeignKey(
        EmailTemplate, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("template")
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["test", "number"], name="unique_ab_variant")]

    def __str__(self) -> str:
        return f"{self.test_id}/{self.letter}"

    @property
    def letter(self) -> str:
        return "ABCD"[self.number - 1]


class CampaignSettings(models.Model):
    """Rules for every campaign, set by an administrator (one row, ``load``)."""

    approval_required = models.BooleanField(
        _("campaigns need an administrator's approval"), default=False
    )
    approval_threshold = models.PositiveIntegerField(
        _("from this many recipients"),
        default=0,
        help_text=_("Campaigns to more recipients than this need approval; 0: every campaign."),
    )

    class Meta:
        verbose_name = _("campaign settings")

    def __str__(self) -> str:
        return f"approval {self.approval_required} above {self.approval_threshold}"

    @classmethod
    def load(cls) -> "CampaignSettings":
        row, _created = cls.objects.get_or_create(pk=1)
        return row
