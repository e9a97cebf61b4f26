"""What moves a campaign along: the moves people make (schedule, unschedule, pause, resume,
cancel, delete a draft), which the campaign screens and the API both call, and the
scheduler's, which starts campaigns on time and keeps their status in step with their
mailing.

The scheduler's tick (pregon/scheduler.py) calls ``start_due_campaigns`` and
``follow_mailings`` every few seconds. An SMS campaign takes the same path: it starts by
queueing its SMS (``sms.enqueue_many``) and ends when none is left to hand over.

"Send now" schedules a campaign for now, so every start goes through here: a restart
between a campaign's time and its start only delays it to the next tick.
"""

import datetime
import logging
from typing import Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from pregon.accounts import audit
from pregon.accounts.models import AuditAction
from pregon.campaigns import ab, approval, notices
from pregon.campaigns.models import PENDING, Campaign, CampaignStatus, Channel, IllegalTransition
from pregon.content import preheader
from pregon.lib import events
from pregon.sending import engine, links, quota, sms
from pregon.sending.models import PENDING as PENDING_MESSAGES
from pregon.sending.models import Mailing, MailingStatus, MessageStatus, SmsMessage
from pregon.sending.sms import encoding
from pregon.sending.sms import quota as sms_quota

log = logging.getLogger(__name__)


class CannotStart(Exception):
    """Something the campaign needs to start is missing (its sender or a ready template)."""


class ApprovalLapsed(CannotStart):
    """What the campaign sends changed since an administrator approved it: it goes back to
    draft, where its page asks for a new approval, instead of sending what nobody approved."""


# The moves the audit log records as a campaign stopped, with the word it records for each.
STOPPED = {"pause": "paused", "cancel": "cancelled"}


def messages_left(channel: str = Channel.EMAIL) -> int:
    """The messages (emails; for the SMS channel, SMS parts) that may still be sent this
    month. The plan's monthly grants are created first if they are not yet (idempotent)."""
    ledger = sms_quota if channel == Channel.SMS else quota
    ledger.ensure_plan()
    return ledger.balance()


def is_short(count: int | None, left: int | None = None, campaign: Campaign | None = None) -> bool:
    """Whether ``count`` recipients (None: not known) outnumber the messages left this
    month (``left``, read if not given): scheduling them then needs a confirmation.

    For an SMS ``campaign`` each recipient takes the parts its text does (merge tags
    counted as written), and the SMS balance is read.
    """
    if count is None:
        return False
    channel = campaign.channel if campaign is not None else Channel.EMAIL
    if channel == Channel.SMS:
        count *= max(encoding.count(campaign.sms_text).segments, 1)
    return count > (messages_left(channel) if left is None else left)


def schedule(campaign: Campaign, at: datetime.datetime, by: HttpRequest) -> None:
    """Schedule the draft ``campaign`` for ``at`` (now or later), in the audit log as
    asked by the request ``by``; the scheduler's next tick after ``at`` starts it.

    Raises ``IllegalTransition`` if it is no longer a draft.
    """
    with transaction.atomic():
        campaign.schedule(at)
        audit.record(
            by,
            AuditAction.CAMPAIGN_SENT,
            campaign.name,
            at=timezone.localtime(at).isoformat(timespec="minutes"),
        )


def move(
    campaign: Campaign,
    action: Literal["unschedule", "pause", "resume", "cancel"],
    by: HttpRequest,
) -> None:
    """Call ``campaign``'s method ``action``; a pause or a cancellation goes in the audit
    log as asked by the request ``by``.

    Raises ``IllegalTransition`` if its status (as stored) does not allow the move.
    """
    with transaction.atomic():
        getattr(campaign, action)()
        if action in STOPPED:
            audit.record(by, AuditAction.CAMPAIGN_STOPPED, campaign.name, what=STOPPED[action])


def delete_draft(campaign: Campaign, by: HttpRequest) -> bool:
    """Delete ``campaign`` if it is still a draft, in the audit log as asked by the request
    ``by``; False if it is not (scheduled a moment ago, or deleted already)."""
    with transaction.atomic():
        # Conditional, so that a draft scheduled since it was read is not deleted.
        deleted, _rows = Campaign.objects.filter(
            pk=campaign.pk, status=CampaignStatus.DRAFT
        ).delete()
        if deleted:
            audit.record(by, AuditAction.DELETION, campaign.name, kind="campaign")
    return bool(deleted)


def start(campaign: Campaign) -> int:
    """Freeze the campaign's content into a mailing and queue its audience (with an A/B
    test, its test portion: ``ab.start``); return the count.

    Raises ``IllegalTransition`` if the campaign is not draft or scheduled any more,
    ``CannotStart`` if something it needs went missing since it was scheduled, and
    ``ApprovalLapsed`` if it changed since it was approved.
    """
    if approval.lapsed(campaign):
        raise ApprovalLapsed("edited since it was approved")
    if campaign.is_sms:
        return _start_sms(campaign)
    template = campaign.template
    if campaign.sender is None or template is None or not template.is_ready:
        raise CannotStart("no sender, or no template ready to send")
    body = preheader.apply(template.html, campaign.preheader)
    with transaction.atomic():
        campaign.move(
            CampaignStatus.SENDING,
            allowed={CampaignStatus.DRAFT, CampaignStatus.SCHEDULED},
            started_at=timezone.now(),
        )
        body, urls = links.prepare(
            body, clicks=campaign.track_clicks, opens=campaign.track_opens, utm=campaign.utm()
        )
        mailing = Mailing.objects.create(
            subject=campaign.subject,
            html=body,
            links=urls,
            track_opens=campaign.track_opens,
            text=template.text,
            sender=campaign.sender,
            list_id=campaign.list_id(),
            feedback_id=f"{campaign.pk}:campaign:pregon",
        )
        campaign.mailing = mailing
        campaign.save(update_fields=["mailing"])
        test = ab.test_of(campaign)
        if test is None:
            count = engine.enqueue(mailing, campaign.audience())
        else:
            count = ab.start(test, mailing)
        _announce(events.CAMPAIGN_STARTED, campaign, messages=count)
        return count


def _start_sms(campaign: Campaign) -> int:
    """Queue an SMS campaign's text for its audience; return the count. The SMS are keyed
    ``c<campaign>:<contact>``, so a start that ran again would queue nobody twice."""
    if not campaign.sms_text.strip():
        raise CannotStart("no SMS text")
    with transaction.atomic():
        campaign.move(
            CampaignStatus.SENDING,
            allowed={CampaignStatus.DRAFT, CampaignStatus.SCHEDULED},
            started_at=timezone.now(),
        )
        count = sms.enqueue_many(
            campaign.audience(), campaign.sms_text, f"c{campaign.pk}:", campaign_id=campaign.pk
        )
        campaign.sms_left_out_count = campaign.chosen().count() - count
        campaign.save(update_fields=["sms_left_out_count"])
        _announce(events.CAMPAIGN_STARTED, campaign, messages=count)
        return count


def _announce(name: str, campaign: Campaign, **extra: object) -> None:
    """Emit a campaign's start or end on the event bus, in the caller's transaction."""
    payload = {
        "campaign": campaign.pk,
        "code": str(campaign.code),
        "name": campaign.name,
        "channel": campaign.channel,
    }
    events.emit(name, [{**payload, **extra, "at": timezone.now().isoformat()}])


def start_due_campaigns() -> int:
    """Start every scheduled campaign whose time has come; return how many started."""
    started = 0
    due = Campaign.objects.filter(
        status=CampaignStatus.SCHEDULED, scheduled_at__lte=timezone.now()
    ).select_related("template", "sender__domain")
    for campaign in due:
        try:
            count = start(campaign)
        except IllegalTransition:
            continue  # Cancelled, or started by another scheduler, meanwhile.
        except ApprovalLapsed:
            log.warning("campaign %s changed since it was approved: back to draft", campaign.pk)
            try:
                campaign.unschedule()
            except IllegalTransition:
                continue
            approval.tell_lapsed(campaign)
            continue
        except Exception:
            # A template deleted or a segment broken since it was scheduled: this campaign
            # fails, visibly, and the others due in the same tick still start.
            log.exception("campaign %s could not start", campaign.pk)
            try:
                campaign.move(CampaignStatus.FAILED, finished_at=timezone.now())
            except IllegalTransition:
                pass
            continue
        log.info("campaign %s started with %s messages", campaign.pk, count)
        started += 1
    return started


def follow_mailings() -> None:
    """Finish the campaigns with nothing left to send and no A/B winner awaited
    (``finish``); pause those whose mailing the engine paused (the quota ran out), and
    resume them once messages are available again (a new month, or a credit)."""
    waiting = Campaign.objects.filter(
        status=CampaignStatus.PAUSED, mailing__pause_reason="quota"
    ).select_related("mailing")
    if waiting and quota.balance() > 0:
        for campaign in waiting:
            try:
                campaign.resume()
            except IllegalTransition:
                continue
    sending = Campaign.objects.filter(status=CampaignStatus.SENDING).select_related("mailing")
    for campaign in sending:
        if campaign.is_sms:
            left = SmsMessage.objects.filter(campaign_id=campaign.pk, status__in=PENDING)
            if not left.exists():
                finish(campaign)
            continue
        mailing = campaign.mailing
        if mailing.status == MailingStatus.PAUSED:
            campaign.move(CampaignStatus.PAUSED)
            continue
        left = mailing.messages.filter(PENDING_MESSAGES)
        if not left.exists() and not ab.awaiting_winner(campaign):
            finish(campaign)


def finish(campaign: Campaign) -> None:
    """End a campaign whose messages are all dealt with: "sent" if none failed, "failed" if
    not one was accepted, "sent with errors" otherwise. The person who created a campaign
    with failures is told by email why (``notices.tell_owner``)."""
    progress = campaign.progress()
    if not progress.counts[MessageStatus.FAILED]:
        status = CampaignStatus.SENT
    elif progress.accepted:
        status = CampaignStatus.SENT_WITH_ERRORS
    else:
        status = CampaignStatus.FAILED
    with transaction.atomic():
        campaign.move(status, allowed={CampaignStatus.SENDING}, finished_at=timezone.now())
        Mailing.objects.filter(pk=campaign.mailing_id).update(status=MailingStatus.DONE)
        _announce(events.CAMPAIGN_FINISHED, campaign, status=status)
    if status != CampaignStatus.SENT:
        notices.tell_owner(campaign)
