"""Campaign approval: an administrator's setting (``CampaignSettings``) may require that a
campaign to more than ``approval_threshold`` recipients is approved by an administrator
before it can be scheduled.

``problem`` is the rule, which ``Campaign.blockers`` asks, so that the screens and the API
refuse to schedule with the same words. An editor asks for approval (``request``), an
administrator approves or refuses it with a note (``decide``); each step is in the audit log
and emailed (to the administrators, to the one who asked). What was approved is kept as a
digest (``digest``: the content, the sender, the template as it is, the audience's
definition, an A/B test's settings): an edit after the approval changes it, and the
campaign needs a new one.
"""

import hashlib
import json
import logging

from django import forms
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pregon.accounts import audit, emails
from pregon.accounts.models import AuditAction, Role, User
from pregon.campaigns.models import (
    TRACKING_FIELDS,
    Approval,
    Campaign,
    CampaignSettings,
    CampaignStatus,
)

log = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 500


class ApprovalError(Exception):
    """The approval step cannot be taken now; the message says why, for a person, and
    ``field`` names the value to blame ("note"), if one is."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class SettingsForm(forms.ModelForm):
    """The approval setting, on its screen and in the API."""

    class Meta:
        model = CampaignSettings
        fields = ["approval_required", "approval_threshold"]


class DecisionForm(forms.Form):
    """An administrator's note on an approval or refusal, and the digest they saw."""

    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required to refuse: say what to change."),
    )
    digest = forms.CharField(required=False, widget=forms.HiddenInput)


def needed(count: int | None, rule: CampaignSettings | None = None) -> bool:
    """Whether a campaign to ``count`` recipients (None: unknown) needs approval under
    ``rule`` (the stored setting if not given)."""
    rule = rule or CampaignSettings.load()
    return rule.approval_required and count is not None and count > rule.approval_threshold


def digest(campaign: Campaign) -> str:
    """A hash of what an approval of ``campaign`` approves: what it says and looks like,
    who it is from, whom it goes to (the lists' and segments' choice, the segments' rules,
    the course whose students it leaves out) and its A/B test, if any. Any change of these
    changes the digest."""
    template = campaign.template
    parts = {
        "channel": campaign.channel,
        "subject": campaign.subject,
        "preheader": campaign.preheader,
        "sms_text": campaign.sms_text,
        "sender": _sender(campaign),
        "template": [template.pk, _hash(template.html, template.text)] if template else None,
        "tracking": [getattr(campaign, name) for name in TRACKING_FIELDS],
        "course": [campaign.course_id, campaign.exclude_enrolled],
        "audience": {
            name: sorted(getattr(campaign, name).values_list("pk", flat=True))
            for name in ("include_lists", "exclude_lists")
        },
        "segments": {
            name: sorted(getattr(campaign, name).values_list("pk", "rules"), key=lambda s: s[0])
            for name in ("include_segments", "exclude_segments")
        },
        "ab_test": _ab_test(campaign),
    }
    return _hash(json.dumps(parts, sort_keys=True, default=str))


def _hash(*texts: str) -> str:
    return hashlib.sha256("\0".join(texts).encode()).hexdigest()


def _sender(campaign: Campaign) -> list[object] | None:
    sender = campaign.sender
    if sender is None:
        return None
    return [sender.pk, sender.from_name, sender.from_email, sender.reply_to]


def _ab_test(campaign: Campaign) -> dict[str, object] | None:
    test = getattr(campaign, "ab_test", None)
    if test is None:
        return None
    variants = [
        [
            variant.number,
            variant.subject,
            variant.from_name,
            _hash(variant.template.html, variant.template.text) if variant.template else None,
            variant.send_at,
        ]
        for variant in test.variants.select_related("template")
    ]
    settings_of_test = [test.kind, test.portion, test.wait_hours, test.metric, test.automatic]
    return {"settings": settings_of_test, "variants": variants}


def is_approved(campaign: Campaign) -> bool:
    """Whether an administrator approved ``campaign`` as it is now."""
    return campaign.approval == Approval.APPROVED and campaign.approval_digest == digest(campaign)


def lapsed(campaign: Campaign) -> bool:
    """Whether the scheduled ``campaign`` was approved, but what it sends changed since (a
    template, an A/B variant's template or a segment edited while it waited), so that the
    approval no longer holds and it must not start. A campaign that needed no approval when
    it was scheduled is not stopped for its audience growing meanwhile."""
    if campaign.approval != Approval.APPROVED or is_approved(campaign):
        return False
    return needed(campaign.recipient_count())


def problem(campaign: Campaign, count: int | None) -> str:
    """Why ``campaign``, going to ``count`` recipients, cannot be scheduled for want of an
    approval, or "" if it needs none or has it (``Campaign.blockers`` asks this)."""
    rule = CampaignSettings.load()
    if not needed(count, rule) or is_approved(campaign):
        return ""
    if campaign.approval == Approval.REQUESTED:
        return _("It is waiting for an administrator's approval.")
    if campaign.approval == Approval.APPROVED:
        return _("It was edited after it was approved: it needs a new approval.")
    if campaign.approval == Approval.REFUSED:
        return _("An administrator refused it; change it and ask for approval again.")
    return _(
        "Campaigns to more than %(threshold)s recipients need an administrator's approval: "
        "ask for it."
    ) % {"threshold": rule.approval_threshold}


def state(campaign: Campaign) -> str:
    """How its approval stands: "" (none asked), requested, approved, refused, or
    "edited" (approved, then changed)."""
    if campaign.approval == Approval.APPROVED and not is_approved(campaign):
        return "edited"
    return campaign.approval


def request(campaign: Campaign, by: HttpRequest) -> None:
    """Ask the administrators to approve the draft ``campaign``, as the request ``by``'s
    user; they are emailed. Raises ``ApprovalError`` if it is no longer a draft, needs no
    approval, or is approved or waiting already."""
    if not needed(campaign.recipient_count()):
        raise ApprovalError(_("This campaign needs no approval."))
    current = state(campaign)
    if current == Approval.APPROVED:
        raise ApprovalError(_("This campaign is approved already."))
    if current == Approval.REQUESTED:
        raise ApprovalError(_("This campaign is waiting for approval already."))
    with transaction.atomic():
        _update(
            campaign,
            approval=Approval.REQUESTED,
            approval_requested_by=by.user,
            approval_decided_by=None,
            approval_decided_at=None,
            approval_note="",
            approval_digest=digest(campaign),
        )
        audit.record(by, AuditAction.CAMPAIGN_APPROVAL, campaign.name, what="requested")
        admins = User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=by.user.pk)
        addresses = list(admins.values_list("email", flat=True))
        transaction.on_commit(lambda: _email("approval-requested", addresses, campaign))


def decide(
    campaign: Campaign, by: HttpRequest, *, approve: bool, note: str, seen: str = ""
) -> None:
    """Approve or refuse the draft ``campaign`` as the request ``by``'s user (an
    administrator), with ``note`` (required to refuse: it says what to change); the one who
    asked is emailed. ``seen``, the digest shown to the administrator, if given, must still
    be the campaign's. Raises ``ApprovalError`` if it is no longer a draft, needs no
    approval, changed since it was seen, or a refusal has no note."""
    note = note.strip()
    if not needed(campaign.recipient_count()):
        raise ApprovalError(_("This campaign needs no approval."))
    if len(note) > NOTE_MAX_LENGTH:
        raise ApprovalError(
            _("Write a note of at most %(limit)s characters.") % {"limit": NOTE_MAX_LENGTH},
            "note",
        )
    if not approve and not note:
        raise ApprovalError(_("Say in the note why it is refused and what to change."), "note")
    current = digest(campaign)
    if seen and seen != current:
        raise ApprovalError(_("The campaign was changed since you saw it: check it again."))
    with transaction.atomic():
        _update(
            campaign,
            approval=Approval.APPROVED if approve else Approval.REFUSED,
            approval_decided_by=by.user,
            approval_decided_at=timezone.now(),
            approval_note=note,
            approval_digest=current,
        )
        what = "approved" if approve else "refused"
        audit.record(by, AuditAction.CAMPAIGN_APPROVAL, campaign.name, what=what, note=note)
        asker = campaign.approval_requested_by or campaign.created_by
        if asker is not None and asker.is_active and asker.pk != by.user.pk:
            address = asker.email
            transaction.on_commit(lambda: _email("approval-decided", [address], campaign))


def tell_lapsed(campaign: Campaign) -> None:
    """Email the one who asked for ``campaign``'s approval (or created it) that it went back
    to draft when its time came, because it changed since it was approved: otherwise they
    would learn it only by finding it unsent."""
    asker = campaign.approval_requested_by or campaign.created_by
    if asker is not None and asker.is_active:
        _email("approval-lapsed", [asker.email], campaign)


def _update(campaign: Campaign, **changes: object) -> None:
    """Write ``changes`` if ``campaign`` is still a draft (a conditional UPDATE), else raise
    ``ApprovalError``."""
    stored = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DRAFT)
    if not stored.update(**changes):
        raise ApprovalError(_("Only a draft can be approved; this campaign is no longer one."))
    for name, value in changes.items():
        setattr(campaign, name, value)


def save_settings(rule: CampaignSettings, by: HttpRequest) -> None:
    """Save the approval setting ``rule``, in the audit log as changed by ``by``'s user."""
    with transaction.atomic():
        rule.save()
        audit.record(
            by,
            AuditAction.CAMPAIGN_APPROVAL,
            _("Campaign approval"),
            what="settings",
            required=rule.approval_required,
            threshold=rule.approval_threshold,
        )


def _email(name: str, addresses: list[str], campaign: Campaign) -> None:
    """Send the system email ``name`` about ``campaign`` to each of ``addresses``. A mail
    server that is down loses the email, not the step: it is logged, and the campaign's
    page says the same."""
    context = {
        "campaign": campaign,
        "url": settings.SITE_URL + reverse("campaigns:detail", args=[campaign.code]),
    }
    for address in addresses:
        try:
            with translation.override(settings.LANGUAGE_CODE):
                emails.send(name, address, context)
        except Exception:
            log.exception("could not email %s about campaign %s", name, campaign.pk)
