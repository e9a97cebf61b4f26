"""The account's reports in the API's route table: a contact's history, and the consumption
of the plan. api.py adds this router to its API.

A contact's history is personal data, for editors and administrators as on the contact's
page; consumption holds only figures, and analysts may read it as on its page. Both come from
the functions the screens show (pregon.reports.history and .consumption); their schemas are
here, beside the only endpoints that return them.
"""

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from pregon.api import auth
from pregon.api.errors import ErrorOut, get_or_404
from pregon.api.schemas import PeriodOut, QuotaMonthOut, month_out, utc
from pregon.contacts.models import Contact
from pregon.reports import consumption as usage
from pregon.reports.history import Entry, history

router = Router()

ERRORS = {frozenset({401, 403, 404}): ErrorOut}


class HistoryEntryOut(Schema):
    at: datetime.datetime
    kind: str = Field(
        description=gettext_lazy(
            "message; opened, clicked, converted, unsubscribed or resubscribed; "
            "hard, soft (bounces) or complaint."
        )
    )
    campaign: str = Field(
        description=gettext_lazy('The campaign\'s name; "" for a message of no campaign.')
    )
    campaign_code: uuid.UUID | None
    subject: str
    status: str = Field(
        description=gettext_lazy(
            'A message\'s status: queued, sending, sent, failed or skipped; "" else.'
        )
    )
    detail: str = Field(
        description=gettext_lazy(
            "The link clicked, the bounce's reason, the goal converted or the reason "
            "for unsubscribing."
        )
    )
    is_machine: bool = Field(
        description=gettext_lazy("An open or click by a privacy proxy or link scanner.")
    )
    machine: str = Field(
        description=gettext_lazy("Why it looks like a machine's: apple_privacy, scanner…")
    )
    client: str = Field(description=gettext_lazy("The mail program of an open or click."))
    device: str = Field(description=gettext_lazy("desktop, mobile, tablet or other."))


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


class ConsumptionMonthOut(QuotaMonthOut):
    granted: int = Field(description=gettext_lazy("amount + credited."))
    left: int = Field(description=gettext_lazy("Messages not used; they expire with the month."))
    is_current: bool


class LedgerEntryOut(Schema):
    at: datetime.datetime = Field(
        description=gettext_lazy("When a grant begins; a mailing's last use.")
    )
    kind: str = Field(description=gettext_lazy("plan, credit (for an incident) or usage."))
    amount: int = Field(description=gettext_lazy("Messages granted (positive) or used (negative)."))
    reason: str = Field(description=gettext_lazy("Why a credit was given."))
    granted_by: str = Field(description=gettext_lazy("The email address of who gave a credit."))
    campaign: str
    campaign_code: uuid.UUID | None
    subject: str


class ConsumptionOut(Schema):
    monthly: int = Field(description=gettext_lazy("Messages the plan grants each month."))
    term: PeriodOut = Field(description=gettext_lazy("The plan's whole term."))
    period: PeriodOut | None = Field(
        description=gettext_lazy("The current month; null outside the term.")
    )
    balance: int = Field(description=gettext_lazy("Messages that may still be sent this month."))
    used_this_month: int
    used_in_term: int
    credited_in_term: int
    months: list[ConsumptionMonthOut]
    ledger: list[LedgerEntryOut] = Field(
        description=gettext_lazy("Grants, credits and use, newest first.")
    )


@router.get(
    "/consumption",
    response=ConsumptionOut,
    tags=["quota"],
    auth=auth.ANALYST,
    summary=gettext_lazy("Get the account's consumption"),
    description=gettext_lazy(
        "The plan, the messages used this month and in the whole term, the balance, "
        "each month's messages granted and used, and the ledger with incident credits "
        "and who gave them. GET /quota gives the same months, without the ledger."
    ),
)
def consumption(request: HttpRequest) -> dict[str, Any]:
    figures = usage.consumption()
    current = figures.current
    return {
        "monthly": figures.monthly,
        "term": {"start": utc(figures.term_start), "end": utc(figures.term_end)},
        "period": {"start": utc(current.start), "end": utc(current.end)} if current else None,
        "balance": figures.balance,
        "used_this_month": figures.used_this_month,
        "used_in_term": figures.used_in_term,
        "credited_in_term": figures.credited_in_term,
        "months": [month_out(month) for month in figures.months],
        "ledger": usage.ledger(),
    }
