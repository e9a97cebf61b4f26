"""The account's reports in the API's route table: a contact's history, and the consumption
of the plan. api.py adds this router to its API.

A contact's history is personal data, for editors and administrators as on the contact's
page; consumption holds only figures, and analysts may read it as on its page. Both come from
the functions the screens show (pregon.reports.history and .consumption).
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from pregon.api import auth
from pregon.api.errors import ErrorOut, get_or_404
from pregon.api.schemas.account import ConsumptionOut, HistoryEntryOut
from pregon.api.schemas.sending import month_out, term_out, utc
from pregon.contacts.models import Contact
from pregon.reports import consumption as usage
from pregon.reports.history import Entry, history

router = Router()

ERRORS = {frozenset({401, 403, 404}): ErrorOut}


@router.get(
    "/contacts/{code}/history",
    response={200: list[HistoryEntryOut], **ERRORS},
    tags=["contacts"],
    auth=auth.EDITOR,
    summary=gettext_lazy("Get a contact's message history"),
    description=gettext_lazy(
        "Every message sent to the contact and what became of it (opens, clicks, "
        "bounces, complaints, unsubscribes and resubscribes, conversions), newest "
        "first. An unknown contact is a 404."
    ),
)
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
def contact_history(request: HttpRequest, code: str) -> list[Entry]:
    return history(get_or_404(Contact.objects, code=code))


@router.get(
    "/consumption",
    response=ConsumptionOut,
    tags=["quota"],
    auth=auth.ANALYST,
    summary=gettext_lazy("Get the account's consumption"),
    description=gettext_lazy(
        "The plan, its term and expiry rule, the messages used this month and in the whole "
        "term, the balance and what it carried over, each month's messages granted, used "
        "and left, and the ledger with incident credits and who gave them, and the "
        "messages incidents left unsent (never charged). GET /quota gives the same months, "
        "without the ledger."
    ),
)
def consumption(request: HttpRequest) -> dict[str, Any]:
    figures = usage.consumption()
    current = figures.current
    return {
        **term_out(figures),
        "monthly": figures.monthly,
        "period": {"start": utc(current.start), "end": utc(current.end)} if current else None,
        "balance": figures.balance,
        "used_this_month": figures.used_this_month,
        "used_in_term": figures.used_in_term,
        "credited_in_term": figures.credited_in_term,
        "months": [month_out(month) for month in figures.months],
        "ledger": usage.ledger(figures.term, figures.now),
    }
