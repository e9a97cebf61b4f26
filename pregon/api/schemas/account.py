"""The schemas of routes_account.py: a contact's message history and the plan's consumption."""

import datetime
from uuid import UUID

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.api.schemas.sending import PeriodOut, QuotaMonthOut, TermOut


class HistoryEntryOut(Schema):
    at: datetime.datetime
    kind: str = SchemaField(
        description=gettext_lazy(
            "message; opened, clicked, converted, unsubscribed or resubscribed; "
            "hard, soft (bounces) or complaint; popup_viewed, popup_clicked, popup_closed, "
            "popup_submitted or popup_converted (the classroom's pop-ups); workflow (a "
            "step of a workflow)."
        )
    )
    campaign: str = SchemaField(
        description=gettext_lazy('The campaign\'s name; "" for a message of no campaign.')
    )
    campaign_code: UUID | None
    subject: str
    status: str = SchemaField(
        description=gettext_lazy(
            'A message\'s status: queued, sending, sent, failed or skipped; "" else.'
        )
    )
    skip_reason: str = SchemaField(
        description=gettext_lazy(
            "Why a skipped message was not sent: paused, frequency_cap, left (unsubscribed, "
            'bounced, complained) or suppressed; "" else.'
        )
    )
    detail: str = SchemaField(
        description=gettext_lazy(
            "The link clicked, the bounce's reason, the goal converted, the reason "
            "for unsubscribing, the classroom page of a pop-up's event, or a workflow "
            "step's node and outcome."
        )
    )
    is_machine: bool = SchemaField(
        description=gettext_lazy("An open or click by a privacy proxy or link scanner.")
    )
    machine: str = SchemaField(
        description=gettext_lazy("Why it looks like a machine's: apple_privacy, scanner…")
    )
    client: str = SchemaField(description=gettext_lazy("The mail program of an open or click."))
    device: str = SchemaField(
        description=gettext_lazy("desktop, mobile, tablet or other; desktop or phone (pop-ups).")
    )
    popup: str = SchemaField(description=gettext_lazy('The pop-up\'s name; "" for the rest.'))
    popup_code: UUID | None
    workflow: str = SchemaField(description=gettext_lazy('The workflow\'s name; "" for the rest.'))
    workflow_code: UUID | None


class ConsumptionMonthOut(QuotaMonthOut):
    is_current: bool


class LedgerEntryOut(Schema):
    at: datetime.datetime = SchemaField(
        description=gettext_lazy("When a grant begins; a mailing's last use.")
    )
    kind: str = SchemaField(
        description=gettext_lazy(
            "plan, credit (for an incident), usage, or incident (messages a system incident "
            "left unsent, never charged)."
        )
    )
    amount: int = SchemaField(
        description=gettext_lazy("Messages granted (positive) or used (negative); 0: incident.")
    )
    unsent: int = SchemaField(
        description=gettext_lazy("An incident's messages left unsent (not charged).")
    )
    reason: str = SchemaField(
        description=gettext_lazy(
            "Why a credit was given; for an incident: relay, expired or quota."
        )
    )
    granted_by: str = SchemaField(
        description=gettext_lazy("The email address of who gave a credit.")
    )
    campaign: str
    campaign_code: UUID | None
    subject: str


class ConsumptionOut(TermOut):
    monthly: int = SchemaField(description=gettext_lazy("Messages the plan grants each month."))
    period: PeriodOut | None = SchemaField(
        description=gettext_lazy("The current month; null outside the term.")
    )
    balance: int = SchemaField(description=gettext_lazy("Messages that may still be sent."))
    used_this_month: int
    used_in_term: int
    credited_in_term: int
    months: list[ConsumptionMonthOut]
    ledger: list[LedgerEntryOut] = SchemaField(
        description=gettext_lazy(
            "Grants, credits, use and messages incidents left unsent, newest first."
        )
    )
