"""Campaign screens that send: the detail page with its buttons (send now, schedule and its
confirmation, unschedule, pause, resume, cancel, test send or test SMS) and its live
progress card (with an SMS campaign's report)."""

import datetime
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from pregon.accounts.decorators import authorize
from pregon.accounts.models import Role
from pregon.campaigns import scheduling, sms
from pregon.campaigns.forms import ScheduleForm, SmsTestForm, TestSendForm
from pregon.campaigns.models import FINAL, TRANSITIONS, Campaign, CampaignStatus, IllegalTransition
from pregon.campaigns.views.campaigns import campaign_or_404, changed_meanwhile, detail_url
from pregon.contacts.forms import bootstrap
from pregon.content.preflight import placeholder_links_check
from pregon.content.render import InvalidTemplate
from pregon.lib import vault
from pregon.sending import deliverability, engine, transports
from pregon.sending.sms.encoding import count as sms_count
from pregon.sending.transports import Outcome

# The "send now" form sits beside the scheduling one, so its ids need another prefix.
NOW_ID = "now_%s"
# The session key under which a test send's outcome waits for the page it redirects to.
TEST_SENT = "campaign_test_sent"


def _template_warning(campaign: Campaign) -> str:
    """Advice about the template that does not stop the send: links to Pregón itself or to
    sample addresses, asked again of its HTML since the template may predate the check."""
    if campaign.template_id is None or campaign.is_sms:
        return ""
    check = placeholder_links_check(campaign.template.html)
    return check.message if check else ""


def _progress(campaign: Campaign) -> dict[str, object]:
    """What the progress card shows (campaigns/progress.html, or sms_progress.html with the
    SMS campaign's report): ``Campaign.progress``, and whether the card polls for more."""
    context = {"progress": campaign.progress(), "polling": campaign.status not in FINAL}
    if campaign.is_sms and campaign.started_at:
        context["report"] = sms.report(campaign)
    return context


def _progress_template(campaign: Campaign) -> str:
    return "campaigns/sms_progress.html" if campaign.is_sms else "campaigns/progress.html"


def _test_mailbox_only(campaign: Campaign) -> bool:
    """Whether its emails would go to the local test mailbox (never for an SMS)."""
    return not campaign.is_sms and not transports.in_use().exists()


def _detail_page(
    request: HttpRequest,
    campaign: Campaign,
    schedule_form: ScheduleForm | None = None,
    now_form: ScheduleForm | None = None,
    test_form: TestSendForm | None = None,
    test_sent: dict | None = None,
) -> HttpResponse:
    count = None
    blockers: list[str] = []
    template_warning = ""
    balance = scheduling.messages_left(campaign.channel)
    if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
        found = campaign.blockers()
        count, blockers = found.count, list(found.problems.values())
        template_warning = _template_warning(campaign)
    short = scheduling.is_short(count, balance, campaign)
    context = {
        "campaign": campaign,
        "count": count,
        "blockers": blockers,
        "balance": balance,
        "short": short,
        "domain_warning": deliverability.unverified_warning(campaign.sender),
        "template_warning": template_warning,
        "test_mailbox_only": _test_mailbox_only(campaign),
        "schedule_form": bootstrap(schedule_form or ScheduleForm(short=short)),
        "now_form": bootstrap(now_form or ScheduleForm(now=True, short=short, auto_id=NOW_ID)),
        "test_form": bootstrap(test_form or _test_form(request, campaign)),
        "sample_search": request.GET.get("muestra", "").strip(),
        "test_sent": test_sent,
        **_progress(campaign),
        "can_cancel": campaign.status in TRANSITIONS[CampaignStatus.CANCELLED],
        "time_zone": timezone.get_current_timezone_name(),
    }
    if campaign.is_sms:
        context["sms_parts"] = sms_count(campaign.sms_text)
    return render(request, "campaigns/campaign_detail.html", context)


def _test_form(request: HttpRequest, campaign: Campaign) -> TestSendForm:
    """A blank test send: to the user's own address (an SMS: to a number to type), with the
    data of the audience's first contact, or of the first one that matches the search of
    sample contacts."""
    search = request.GET.get("muestra", "").strip()
    if campaign.is_sms:
        return SmsTestForm(campaign, search=search)
    return TestSendForm(campaign, initial={"addresses": request.user.email}, search=search)


@authorize(Role.EDITOR)
def campaign_detail(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    campaign = campaign_or_404(code)
    sent = request.session.pop(TEST_SENT, None)
    if not sent or sent["campaign"] != str(campaign.code):
        return _detail_page(request, campaign)
    initial = {"addresses": sent["addresses"], "contact": sent["contact"]}
    form = TestSendForm(campaign, initial=initial)
    return _detail_page(request, campaign, test_form=form, test_sent=sent)


@authorize(Role.EDITOR)
@require_POST
def campaign_send_now(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _schedule(request, campaign_or_404(code), now=True)


@authorize(Role.EDITOR)
@require_POST
def campaign_schedule(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _schedule(request, campaign_or_404(code), now=False)


def _schedule(request: HttpRequest, campaign: Campaign, now: bool) -> HttpResponse:
    """Schedule for the time posted, or for now; the scheduler's next tick starts it."""
    if campaign.status != CampaignStatus.DRAFT:
        changed_meanwhile(request)
        return redirect(detail_url(campaign))
    blockers = campaign.blockers()
    if blockers.problems:
        for problem in blockers.problems.values():
            messages.error(request, problem)
        return redirect(detail_url(campaign))
    short = scheduling.is_short(blockers.count, campaign=campaign)
    form = ScheduleForm(request.POST, now=now, short=short, auto_id=NOW_ID if now else "id_%s")
    if not form.is_valid():
        if now:
            return _detail_page(request, campaign, now_form=form)
        return _detail_page(request, campaign, schedule_form=form)
    at = form.when()
    if request.POST.get("confirmed") != _version(campaign):
        return _confirm_page(request, campaign, blockers.count, at, now)
    try:
        scheduling.schedule(campaign, at, by=request)
    except IllegalTransition:
        changed_meanwhile(request)
        return redirect(detail_url(campaign))
    if now:
        messages.success(request, _("The campaign starts within a few seconds."))
    else:
        local = timezone.localtime(at)
        messages.success(
            request,
            _("The campaign will be sent on %(date)s at %(time)s.")
            % {"date": formats.date_format(local, "DATE_FORMAT"), "time": f"{local:%H:%M}"},
        )
    return redirect(detail_url(campaign))


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
        "short": scheduling.is_short(count, campaign=campaign),
        "test_mailbox_only": _test_mailbox_only(campaign),
        "sms_parts": sms_count(campaign.sms_text) if campaign.is_sms else None,
        "domain_warning": deliverability.unverified_warning(campaign.sender),
        "template_warning": _template_warning(campaign),
        "hidden": hidden,
        "action_url": request.path,
        # Posted again after the campaign changed: say why the page is shown once more.
        "changed": "confirmed" in request.POST,
    }
    return render(request, "campaigns/confirm_send.html", context)


def _move(request: HttpRequest, code: uuid.UUID, action: str, done: str) -> HttpResponse:
    """``scheduling.move`` the campaign, and say ``done`` or that it changed meanwhile."""
    campaign = campaign_or_404(code)
    try:
        scheduling.move(campaign, action, by=request)
    except IllegalTransition:
        changed_meanwhile(request)
    else:
        messages.success(request, done)
    return redirect(detail_url(campaign))


@authorize(Role.EDITOR)
@require_POST
def campaign_unschedule(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _move(request, code, "unschedule", _("Back to draft: it won't be sent."))


@authorize(Role.EDITOR)
@require_POST
def campaign_pause(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _move(request, code, "pause", _("Paused: messages already handed over still arrive."))


@authorize(Role.EDITOR)
@require_POST
def campaign_resume(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _move(request, code, "resume", _("Sending again."))


@authorize(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def campaign_cancel(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    if request.method == "POST":
        done = _("Campaign cancelled: nothing more will be sent.")
        return _move(request, code, "cancel", done)
    campaign = campaign_or_404(code)
    context = {
        "title": _("Cancel campaign"),
        "question": _(
            "Cancel the campaign “%(name)s”? Messages not sent yet never will be, "
            "and this cannot be undone."
        )
        % {"name": campaign.name},
        "button": _("Cancel the campaign"),
        "cancel_url": detail_url(campaign),
    }
    return render(request, "contacts/confirm.html", context)


@authorize(Role.EDITOR)
@require_POST
def campaign_test(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Send the campaign as it stands to up to five addresses, and show each outcome."""
    campaign = campaign_or_404(code)
    if campaign.is_sms:
        return redirect(detail_url(campaign))  # Its test is a test SMS (campaign_test_sms).
    form = TestSendForm(campaign, request.POST)
    if form.is_valid():
        if campaign.missing():
            form.add_error(None, _("Choose a sender and a template before sending a test."))
        else:
            addresses, sample = form.cleaned_data["addresses"], form.cleaned_data["contact"]
            results = engine.send_tests(campaign, addresses, sample)
            # Shown by the page this redirects to, so that reloading it sends nothing again.
            request.session[TEST_SENT] = {
                "campaign": str(campaign.code),
                "addresses": "\n".join(addresses),
                "sample": (sample.full_name or sample.email) if sample else "",
                "contact": str(sample.code) if sample else "",
                "results": [
                    {"address": address, "outcome": str(result.outcome), "reply": result.reply}
                    for address, result in results
                ],
            }
            return redirect(detail_url(campaign) + "#campaign-test")
    return _detail_page(request, campaign, test_form=form)


@authorize(Role.EDITOR)
@require_POST
def campaign_test_sms(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Send the SMS campaign's text, as the chosen contact would get it, to a number typed
    in, through the gateway in use; say what the gateway answered."""
    campaign = campaign_or_404(code)
    if not campaign.is_sms:
        return redirect(detail_url(campaign))
    form = SmsTestForm(campaign, request.POST)
    if form.is_valid() and campaign.missing():
        form.add_error(None, _("Write the text and set up an SMS gateway before sending a test."))
    if not form.is_valid():
        return _detail_page(request, campaign, test_form=form)
    phone = form.cleaned_data["phone"]
    try:
        result = sms.send_test(campaign, phone, form.cleaned_data["contact"])
    except InvalidTemplate as error:
        messages.error(request, str(error))
        return redirect(detail_url(campaign) + "#campaign-test")
    except vault.InvalidToken:
        messages.error(
            request,
            _(
                "The SMS gateway's stored secret can no longer be read; an administrator "
                "enters it again."
            ),
        )
        return redirect(detail_url(campaign) + "#campaign-test")
    values = {"phone": phone, "reply": result.reply or "—"}
    if result.outcome == Outcome.SENT:
        campaign.record_test()
        messages.success(request, _("The gateway accepted the test SMS to %(phone)s.") % values)
    elif result.outcome == Outcome.RETRY:
        messages.warning(
            request, _("The gateway did not take the test SMS for now: %(reply)s") % values
        )
    else:
        messages.error(request, _("The gateway refused the test SMS: %(reply)s") % values)
    return redirect(detail_url(campaign) + "#campaign-test")


@authorize(Role.EDITOR)
def campaign_progress(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The progress card alone, which the detail page polls every 2 seconds.

    When the status is no longer the one the page shows (``?shown=``), the whole page is
    reloaded instead, so that its buttons match the status.
    """
    campaign = campaign_or_404(code)
    shown = request.GET.get("shown")
    if request.htmx and shown and shown != campaign.status:
        return HttpResponseClientRefresh()
    context = {"campaign": campaign, **_progress(campaign)}
    return render(request, _progress_template(campaign), context)
