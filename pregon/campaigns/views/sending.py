"""Campaign screens: list, create, edit and delete drafts, the detail page with its buttons
(send now, schedule, unschedule, pause, resume, cancel, duplicate, test send) and live
progress."""

import datetime
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from pregon.accounts import audit
from pregon.accounts.decorators import authorize
from pregon.accounts.models import AuditAction, Role
from pregon.campaigns.forms import CampaignForm, ScheduleForm, TestSendForm, unready_templates
from pregon.campaigns.models import (
    EDITABLE_FIELDS,
    FINAL,
    TRANSITIONS,
    Campaign,
    CampaignStatus,
    IllegalTransition,
)
from pregon.contacts.forms import bootstrap
from pregon.content.preflight import placeholder_links_check
from pregon.sending import deliverability, engine, quota, transports
from pregon.sending.models import MessageStatus

PAGE_SIZE = 50
# The "send now" form sits beside the scheduling one, so its ids need another prefix.
NOW_ID = "now_%s"


def _changed_meanwhile(request: HttpRequest) -> None:
    messages.error(request, _("The campaign already changed; reload to see its state."))


def _detail_url(campaign: Campaign) -> str:
    return reverse("campaigns:detail", args=[campaign.code])


@authorize(Role.EDITOR)
def campaign_index(request: HttpRequest) -> HttpResponse:
    """Every campaign, newest first. A campaign not started yet shows its audience as it
    would be now; a started one, the messages it queued."""
    campaigns = Campaign.objects.annotate(
        message_count=Count("mailing__messages"),
        sent_count=Count("mailing__messages", filter=Q(mailing__messages__status="sent")),
    ).order_by("-created_at", "-pk")
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for campaign in page:
        if campaign.mailing_id:
            rows.append((campaign, campaign.message_count))
        elif campaign.status in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
            rows.append((campaign, _audience_count(campaign)[0]))
        else:
            rows.append((campaign, None))
    context = {"page": page, "rows": rows, "time_zone": timezone.get_current_timezone_name()}
    return render(request, "campaigns/campaign_index.html", context)


@authorize(Role.EDITOR)
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        campaign = form.save(commit=False)
        campaign.created_by = request.user
        with transaction.atomic():
            campaign.save()
            form.save_m2m()
        messages.success(request, _("Campaign “%(name)s” created.") % {"name": campaign.name})
        return redirect(_detail_url(campaign))
    return _form_page(request, form, None)


@authorize(Role.EDITOR)
def campaign_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    campaign = get_object_or_404(Campaign, code=code)
    if campaign.status != CampaignStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited; unschedule it first."))
        return redirect(_detail_url(campaign))
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # The status is read again under a lock and left out of the UPDATE: the campaign
            # may have been scheduled while this form was open, and saving every column would
            # quietly turn it back into a draft.
            locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
            if locked.status != CampaignStatus.DRAFT:
                _changed_meanwhile(request)
                return redirect(_detail_url(campaign))
            campaign = form.save(commit=False)
            campaign.updated_at = timezone.now()
            campaign.save(update_fields=EDITABLE_FIELDS)
            form.save_m2m()
        messages.success(request, _("Changes saved."))
        return redirect(_detail_url(campaign))
    return _form_page(request, form, campaign)


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def campaign_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    campaign = get_object_or_404(Campaign, code=code)
    if campaign.status != CampaignStatus.DRAFT:
        _changed_meanwhile(request)
        return redirect(_detail_url(campaign))
    if request.method == "POST":
        with transaction.atomic():
            # Conditional, so that a draft scheduled since the page was read is not deleted.
            deleted, _rows = Campaign.objects.filter(
                pk=campaign.pk, status=CampaignStatus.DRAFT
            ).delete()
            if not deleted:
                _changed_meanwhile(request)
                return redirect(_detail_url(campaign))
            audit.record(request, AuditAction.DELETION, campaign.name, kind="campaign")
        messages.success(request, _("Campaign “%(name)s” deleted.") % {"name": campaign.name})
        return redirect("campaigns:index")
    context = {
        "title": _("Delete campaign"),
        "question": _("Delete the draft “%(name)s”? This cannot be undone.")
        % {"name": campaign.name},
        "button": _("Delete"),
        "cancel_url": _detail_url(campaign),
    }
    return render(request, "contacts/confirm.html", context)


def _form_page(request: HttpRequest, form: CampaignForm, campaign: Campaign | None) -> HttpResponse:
    context = {
        "form": bootstrap(form),
        "campaign": campaign,
        "unready_templates": unready_templates(),
        "title": _("Edit campaign") if campaign else _("New campaign"),
        "cancel_url": _detail_url(campaign) if campaign else reverse("campaigns:index"),
    }
    return render(request, "campaigns/campaign_form.html", context)


def _audience_count(campaign: Campaign) -> tuple[int | None, str]:
    """How many contacts the campaign would go to now, or None and why it can't be told."""
    try:
        return campaign.audience().count(), ""
    except ValueError as error:
        # A segment whose rules name a list, tag or field that was deleted since.
        return None, str(error)


def _blockers(campaign: Campaign, count: int | None, error: str) -> list[str]:
    """What stops the campaign from being sent, worded for the person who can fix it."""
    found = []
    if campaign.sender_id is None:
        found.append(_("Choose a sender."))
    if campaign.template_id is None:
        found.append(_("Choose a template."))
    elif not campaign.template.is_ready:
        found.append(
            _("The template “%(name)s” has errors to fix before it can be sent.")
            % {"name": campaign.template.name}
        )
    if count is None:
        found.append(_("The audience cannot be counted: %(error)s") % {"error": error})
    elif count == 0:
        found.append(
            _("Nobody would receive it: choose lists or segments with subscribed contacts.")
        )
    return found


def _template_warning(campaign: Campaign) -> str:
    """Advice about the template that does not stop the send: links to Pregón itself or to
    sample addresses, asked again of its HTML since the template may predate the check."""
    if campaign.template_id is None:
        return ""
    check = placeholder_links_check(campaign.template.html)
    return check.message if check else ""


def _balance() -> int:
    # The plan's monthly grants are created when first needed; this is idempotent.
    quota.ensure_plan()
    return quota.balance()


def _detail_page(
    request: HttpRequest,
    campaign: Campaign,
    schedule_form: ScheduleForm | None = None,
    now_form: ScheduleForm | None = None,
    test_form: TestSendForm | None = None,
    test_results: list | None = None,
) -> HttpResponse:
    count, error = (None, "")
    blockers: list[str] = []
    template_warning = ""
    balance = _balance()
    if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
        count, error = _audience_count(campaign)
        blockers = _blockers(campaign, count, error)
        template_warning = _template_warning(campaign)
    short = count is not None and count > balance
    context = {
        "campaign": campaign,
        "count": count,
        "count_error": error,
        "blockers": blockers,
        "balance": balance,
        "short": short,
        "domain_warning": deliverability.unverified_warning(campaign.sender),
        "template_warning": template_warning,
        "test_mailbox_only": not transports.in_use().exists(),
        "schedule_form": bootstrap(schedule_form or ScheduleForm(short=short)),
        "now_form": bootstrap(now_form or ScheduleForm(now=True, short=short, auto_id=NOW_ID)),
        "test_form": bootstrap(test_form or _test_form(request, campaign)),
        "sample_search": request.GET.get("muestra", "").strip(),
        "test_results": test_results,
        "progress": _progress(campaign),
        "can_cancel": campaign.status in TRANSITIONS[CampaignStatus.CANCELLED],
        "time_zone": timezone.get_current_timezone_name(),
    }
    return render(request, "campaigns/campaign_detail.html", context)


def _test_form(request: HttpRequest, campaign: Campaign) -> TestSendForm:
    """A blank test send: to the user's own address, with the data of the audience's first
    contact, or of the first one that matches the search of sample contacts."""
    search = request.GET.get("muestra", "").strip()
    return TestSendForm(campaign, initial={"addresses": request.user.email}, search=search)


def _campaign(code: uuid.UUID) -> Campaign:
    return get_object_or_404(
        Campaign.objects.select_related("sender", "template", "mailing"), code=code
    )


@authorize(Role.EDITOR)
def campaign_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _detail_page(request, _campaign(code))


@authorize(Role.EDITOR)
@require_POST
def campaign_send_now(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _schedule(request, _campaign(code), now=True)


@authorize(Role.EDITOR)
@require_POST
def campaign_schedule(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _schedule(request, _campaign(code), now=False)


def _schedule(request: HttpRequest, campaign: Campaign, now: bool) -> HttpResponse:
    """Schedule for the time posted, or for now; the scheduler's next tick starts it."""
    if campaign.status != CampaignStatus.DRAFT:
        _changed_meanwhile(request)
        return redirect(_detail_url(campaign))
    count, error = _audience_count(campaign)
    blockers = _blockers(campaign, count, error)
    if blockers:
        for blocker in blockers:
            messages.error(request, blocker)
        return redirect(_detail_url(campaign))
    short = count > _balance()
    form = ScheduleForm(request.POST, now=now, short=short, auto_id=NOW_ID if now else "id_%s")
    if not form.is_valid():
        if now:
            return _detail_page(request, campaign, now_form=form)
        return _detail_page(request, campaign, schedule_form=form)
    at = timezone.now() if now else form.cleaned_data["at"]
    if request.POST.get("confirmed") != _version(campaign):
        return _confirm_page(request, campaign, count, at, now)
    try:
        with transaction.atomic():
            campaign.schedule(at)
            audit.record(
                request,
                AuditAction.CAMPAIGN_SENT,
                campaign.name,
                at=timezone.localtime(at).isoformat(timespec="minutes"),
            )
    except IllegalTransition:
        _changed_meanwhile(request)
        return redirect(_detail_url(campaign))
    if now:
        messages.success(request, _("The campaign starts within a few seconds."))
    else:
        local = timezone.localtime(at)
        messages.success(
            request,
            _("The campaign will be sent on %(date)s at %(time)s.")
            % {"date": formats.date_format(local, "DATE_FORMAT"), "time": f"{local:%H:%M}"},
        )
    return redirect(_detail_url(campaign))


def _version(campaign: Campaign) -> str:
    """What the confirmation posts back: a campaign edited since it was shown (its subject,
    sender or audience) is confirmed again."""
    return campaign.updated_at.isoformat()


def _confirm_page(
    request: HttpRequest, campaign: Campaign, count: int, at: datetime.datetime, now: bool
) -> HttpResponse:
    """What "Send now" and "Schedule" lead to first: the number of recipients, the sender,
    the subject and the time in the account's time zone, and a button that posts the same
    choice again, confirmed."""
    local = timezone.localtime(at, ZoneInfo(settings.TIME_ZONE))
    hidden = [("confirmed", _version(campaign))]
    hidden += [(name, request.POST[name]) for name in ("at", "confirm") if name in request.POST]
    context = {
        "campaign": campaign,
        "count": count,
        "now": now,
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": f"{local:%H:%M}",
        "time_zone": settings.TIME_ZONE,
        "short": count > _balance(),
        "test_mailbox_only": not transports.in_use().exists(),
        "domain_warning": deliverability.unverified_warning(campaign.sender),
        "template_warning": _template_warning(campaign),
        "hidden": hidden,
        "action_url": request.path,
        # Posted again after the campaign changed: say why the page is shown once more.
        "changed": "confirmed" in request.POST,
    }
    return render(request, "campaigns/confirm_send.html", context)


def _transition(
    request: HttpRequest,
    code: uuid.UUID,
    method: str,
    done: str,
    only_from: CampaignStatus | None = None,
    stopped: str = "",
) -> HttpResponse:
    """Call the campaign's ``method``; a ``stopped`` campaign ("paused", "cancelled") is
    recorded in the audit log."""
    campaign = _campaign(code)
    try:
        if only_from is not None and campaign.status != only_from:
            raise IllegalTransition(f"{campaign.status} -> {method}")
        with transaction.atomic():
            getattr(campaign, method)()
            if stopped:
                audit.record(request, AuditAction.CAMPAIGN_STOPPED, campaign.name, what=stopped)
    except IllegalTransition:
        _changed_meanwhile(request)
    else:
        messages.success(request, done)
    return redirect(_detail_url(campaign))


@authorize(Role.EDITOR)
@require_POST
def campaign_unschedule(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _transition(request, code, "unschedule", _("Back to draft: it won't be sent."))


@authorize(Role.EDITOR)
@require_POST
def campaign_pause(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _transition(
        request,
        code,
        "pause",
        _("Paused: messages already handed over still arrive."),
        stopped="paused",
    )


@authorize(Role.EDITOR)
@require_POST
def campaign_resume(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    # The model lets a draft move to "sending" too (that is how the scheduler starts it);
    # resuming means leaving "paused" only.
    return _transition(
        request, code, "resume", _("Sending again."), only_from=CampaignStatus.PAUSED
    )


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def campaign_cancel(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    if request.method == "POST":
        return _transition(
            request,
            code,
            "cancel",
            _("Campaign cancelled: nothing more will be sent."),
            stopped="cancelled",
        )
    campaign = _campaign(code)
    context = {
        "title": _("Cancel campaign"),
        "question": _(
            "Cancel the campaign “%(name)s”? Messages not sent yet never will be, "
            "and this cannot be undone."
        )
        % {"name": campaign.name},
        "button": _("Cancel the campaign"),
        "cancel_url": _detail_url(campaign),
    }
    return render(request, "contacts/confirm.html", context)


@authorize(Role.EDITOR)
@require_POST
def campaign_duplicate(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    copy = _campaign(code).duplicate(request.user)
    messages.success(request, _("Copy created as a draft; change what you need."))
    return redirect(reverse("campaigns:edit", args=[copy.code]))


@authorize(Role.EDITOR)
@require_POST
def campaign_test(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Send the campaign as it stands to up to five addresses, and show each outcome."""
    campaign = _campaign(code)
    form = TestSendForm(campaign, request.POST)
    if form.is_valid():
        if campaign.sender_id is None or campaign.template_id is None:
            form.add_error(None, _("Choose a sender and a template before sending a test."))
        else:
            results = engine.send_tests(
                campaign, form.cleaned_data["addresses"], form.cleaned_data["contact"]
            )
            return _detail_page(request, campaign, test_form=form, test_results=results)
    return _detail_page(request, campaign, test_form=form)


def _progress(campaign: Campaign) -> dict[str, object]:
    """Counts of the campaign's messages by status, the share already dealt with, and the
    answer most of its failed messages got."""
    progress = campaign.progress()
    failed = progress.counts[MessageStatus.FAILED]
    return {
        "counts": progress.counts,
        "total": progress.total,
        "percent": progress.percent,
        "polling": campaign.status not in FINAL,
        "failure": campaign.commonest_failure() if failed else None,
    }


@authorize(Role.EDITOR)
def campaign_progress(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The progress card alone, which the detail page polls every 2 seconds.

    When the status is no longer the one the page shows (``?shown=``), the whole page is
    reloaded instead, so that its buttons match the status.
    """
    campaign = _campaign(code)
    shown = request.GET.get("shown")
    if request.htmx and shown and shown != campaign.status:
        return HttpResponseClientRefresh()
    context = {"campaign": campaign, "progress": _progress(campaign)}
    return render(request, "campaigns/progress.html", context)
