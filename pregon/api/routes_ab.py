"""A campaign's A/B test in the API's route table: set it up on a draft, read it with its
results, remove it, and send the winner a person chose. api.py adds this router to its API.

The test is checked by the screen's form (``AbTestForm``), its results are the report's
(pregon/reports/ab.py), and the winner goes out through ``ab.send_winner``, as from the
campaign's page.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Status

from pregon.api import auth
from pregon.api.errors import ApiError, ErrorOut, get_or_404, invalid
from pregon.api.schemas.ab import AbTestIn, AbTestOut, WinnerIn
from pregon.campaigns import ab
from pregon.campaigns.ab_forms import AbTestForm
from pregon.campaigns.models import AbTest, Campaign, CampaignStatus
from pregon.content.models import EmailTemplate
from pregon.lib.formerrors import Errors, form_errors
from pregon.reports import ab as ab_report

router = Router(tags=["campaigns"])

ERRORS = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
# The form's fields of a variant, as the API names them inside ``variants``.
VARIANT_FIELDS = ["subject", "from_name", "template", "send_at"]


def _test(code: str) -> AbTest:
    """The A/B test of the campaign with ``code``; a 404 if none."""
    campaign = get_or_404(Campaign.objects, code=code)
    return get_or_404(AbTest.objects.select_related("campaign__mailing"), campaign=campaign)


def _out(test: AbTest) -> dict[str, Any]:
    comparison = ab_report.compare(test)
    variants = []
    for row, variant in zip(comparison.rows, test.variants.select_related("template"), strict=True):
        tally = row.tally
        variants.append(
            {
                "letter": tally.letter,
                "subject": variant.subject,
                "from_name": variant.from_name,
                "template": str(variant.template.code) if variant.template else None,
                "send_at": variant.send_at,
                "recipients": tally.recipients,
                "sent": tally.sent,
                "opens": tally.opens,
                "clicks": tally.clicks,
                "conversions": tally.conversions,
                "open_rate": row.rates["opens"],
                "click_rate": row.rates["clicks"],
                "conversion_rate": row.rates["conversions"],
                "is_leader": row.is_leader,
                "difference": row.difference,
                "p_value": row.p_value,
                "significant": row.significant,
                "verdict": row.verdict,
            }
        )
    return {
        "kind": test.kind,
        "portion": test.portion,
        "wait_hours": test.wait_hours,
        "metric": test.metric,
        "automatic": test.automatic,
        "decide_at": test.decide_at,
        "winner": ab.letter(test.winner) if test.winner else None,
        "decided_at": test.decided_at,
        "variants": variants,
    }


def _draft(code: str) -> Campaign:
    """The email draft with ``code``; a 409 for another status or an SMS campaign."""
    campaign = get_or_404(Campaign.objects.select_related("sender"), code=code)
    if campaign.is_sms:
        raise ApiError(409, _("An SMS campaign cannot have an A/B test."))
    if campaign.status != CampaignStatus.DRAFT:
        raise ApiError(409, _("Only a draft's A/B test can be changed; unschedule it first."))
    return campaign


def _form_data(payload: AbTestIn, errors: Errors) -> dict[str, Any]:
    """The form's data for ``payload``: variants numbered from 1, templates by code."""
    data: dict[str, Any] = payload.dict(exclude={"variants"})
    for number, variant in enumerate(payload.variants, start=1):
        for name in VARIANT_FIELDS:
            data[f"{name}_{number}"] = getattr(variant, name)
        code = variant.template
        if code is not None:
            try:
                template = get_or_404(EmailTemplate.objects, code=code)
            except ApiError:
                message = _("There is no template with the code “%(code)s”.") % {"code": code}
                errors[f"variants.{number - 1}.template"] = [message]
                template = None
            data[f"template_{number}"] = template.pk if template else None
    return data


def _api_names(errors: Errors) -> Errors:
    """The form's ``subject_2`` as the API's ``variants.1.subject``."""
    named: Errors = {}
    for field, messages in errors.items():
        name, _sep, number = field.rpartition("_")
        if name in VARIANT_FIELDS and number.isdecimal():
            field = f"variants.{int(number) - 1}.{name}"
        named.setdefault(field, []).extend(messages)
    return named


@router.get(
    "/campaigns/{code}/ab-test",
    response={200: AbTestOut, **ERRORS},
    auth=auth.ANALYST,
    summary=gettext_lazy("Get a campaign's A/B test and its results"),
    description=gettext_lazy(
        "Its settings, and each variant's figures in the test portion (people only, rates "
        "over the messages sent) compared with the leader by a two-proportion test, as on "
        "the A/B report."
    ),
)
def ab_test_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return _out(_test(code))


@router.put(
    "/campaigns/{code}/ab-test",
    response={200: AbTestOut, **ERRORS},
    summary=gettext_lazy("Set up a campaign's A/B test"),
    description=gettext_lazy(
        "Set up (or replace) the A/B test of a draft, checked like the screen's form: "
        "variants A and B at least, none the same, a metric the campaign counts. Any other "
        "status is a 409."
    ),
)
def ab_test_set_up(request: HttpRequest, code: str, payload: AbTestIn) -> dict[str, Any]:
    campaign = _draft(code)
    errors: Errors = {}
    form = AbTestForm(campaign, _form_data(payload, errors))
    if not form.is_valid() or errors:
        raise invalid({**_api_names(form_errors(form)), **errors})
    return _out(form.save())


@router.delete(
    "/campaigns/{code}/ab-test",
    response={204: None, **ERRORS},
    summary=gettext_lazy("Remove a campaign's A/B test"),
    description=gettext_lazy("The draft then goes to everyone as it is."),
)
def ab_test_remove(request: HttpRequest, code: str) -> Status[None]:
    _draft(code)
    _test(code).delete()
    return Status(204, None)


@router.post(
    "/campaigns/{code}/ab-test/winner",
    response={200: AbTestOut, **ERRORS},
    summary=gettext_lazy("Send a variant to the rest of the audience"),
    description=gettext_lazy(
        "Once the test is over, make `variant` the winner and queue the rest of the "
        "audience with it (recorded in the audit log). A 409 if the test is not over, its "
        "winner was chosen already, or the campaign was cancelled."
    ),
)
def ab_test_winner(request: HttpRequest, code: str, payload: WinnerIn) -> dict[str, Any]:
    test = _test(code)
    number = ab.LETTERS.index(payload.variant) + 1
    if not test.variants.filter(number=number).exists():
        message = _("The test has no variant %(letter)s.") % {"letter": payload.variant}
        raise invalid({"variant": [message]})
    try:
        ab.send_winner(test, number, by=request)
    except ab.CannotDecide:
        raise ApiError(
            409,
            _(
                "The winner cannot be chosen now: the test is not over, a winner was chosen "
                "already, or the campaign no longer sends."
            ),
        ) from None
    return _out(_test(code))
