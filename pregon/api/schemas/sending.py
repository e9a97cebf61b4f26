"""The schemas of routes_sending.py: sender identities, delivery backends, the quota, its
credits and settings, and the helpers that shape the plan's term, months and times for them
(utc, month_out, term_out), which GET /consumption uses too."""

import datetime
from typing import Any
from uuid import UUID

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema
from pydantic import ConfigDict

from pregon.api.schemas.base import InputSchema
from pregon.reports.consumption import Consumption, Month
from pregon.sending.models import Backend, BackendKind, QuotaExpiry, Security, SenderIdentity


class SenderIn(InputSchema):
    from_name: str
    from_email: str = SchemaField(..., description=gettext_lazy("An address on a domain of yours."))
    reply_to: str = ""


class SenderPatch(InputSchema):
    from_name: str | None = None
    from_email: str | None = None
    reply_to: str | None = None


class SenderOut(Schema):
    code: UUID
    from_name: str
    from_email: str
    reply_to: str
    domain: str = SchemaField(
        ..., description=gettext_lazy("The sending domain, which signs with DKIM.")
    )
    created_at: datetime.datetime

    @staticmethod
    def resolve_domain(sender: SenderIdentity) -> str:
        return sender.domain.name


# The options a backend shows: an allow-list, so that nothing secret stored there later
# leaks. ``api_url`` stays out too: no form sets it (it points a provider's API at a proxy
# or the tests' fake provider), and such an address may name internal hosts.
SHOWN_OPTIONS = ("region", "sender_domain", "message_stream")


class BackendIn(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "description": gettext_lazy(
                "A field that the kind does not use is a 422: each field says which kinds use it."
            )
        }
    )

    name: str
    kind: BackendKind = SchemaField(
        ...,
        description=gettext_lazy(
            "smtp (a relay), file (the test mailbox: nothing leaves the server), or "
            "a provider's API: amazon_ses, brevo, mailgun, postmark or sendgrid."
        ),
    )
    host: str | None = SchemaField(None, description=gettext_lazy("smtp: required."))
    port: int | None = SchemaField(None, description=gettext_lazy("smtp: 587 if left out."))
    security: Security | None = SchemaField(
        None, description=gettext_lazy("smtp: starttls if left out.")
    )
    username: str | None = SchemaField(
        None, description=gettext_lazy("smtp: the login. amazon_ses: the access key ID (required).")
    )
    password: str | None = SchemaField(
        None, description=gettext_lazy("smtp: write-only, stored encrypted and never sent back.")
    )
    api_key: str | None = SchemaField(
        None,
        description=gettext_lazy(
            "Providers: required; write-only, stored encrypted and never sent back. "
            "amazon_ses: the secret access key; postmark: the server API token."
        ),
    )
    region: str | None = SchemaField(
        None,
        description=gettext_lazy(
            "amazon_ses: an AWS region, us-east-1 if left out. mailgun: us or eu, us "
            "if left out. sendgrid: global or eu, global if left out."
        ),
    )
    sender_domain: str | None = SchemaField(
        None, description=gettext_lazy("mailgun: required, the domain as verified in Mailgun.")
    )
    message_stream: str | None = SchemaField(
        None, description=gettext_lazy("postmark: a Broadcasts stream, broadcast if left out.")
    )
    weight: int | None = SchemaField(
        None,
        description=gettext_lazy(
            "All but file: with several in use, each takes a share of the messages in "
            "this proportion (1 to 1000); 1 if left out."
        ),
    )
    max_connections: int | None = SchemaField(
        None, description=gettext_lazy("All but file: senders at once (1 to 50); 4 if left out.")
    )
    is_active: bool = True


class BackendPatch(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "description": gettext_lazy(
                "The kind stays. Without a password or API key, the stored one stays; for smtp, "
                "an empty username removes the password too. A field the kind does not use is a "
                "422."
            )
        }
    )

    name: str | None = None
    host: str | None = None
    port: int | None = None
    security: Security | None = None
    username: str | None = None
    password: str | None = SchemaField(
        None,
        description=gettext_lazy("smtp: write-only; left out or empty, the stored password stays."),
    )
    api_key: str | None = SchemaField(
        None,
        description=gettext_lazy("Providers: write-only; left out or empty, the stored key stays."),
    )
    region: str | None = SchemaField(
        None, description=gettext_lazy("amazon_ses, mailgun and sendgrid.")
    )
    sender_domain: str | None = SchemaField(None, description=gettext_lazy("mailgun."))
    message_stream: str | None = SchemaField(None, description=gettext_lazy("postmark."))
    weight: int | None = SchemaField(None, description=gettext_lazy("All but file."))
    max_connections: int | None = SchemaField(None, description=gettext_lazy("All but file."))
    is_active: bool | None = None


class BackendOut(Schema):
    code: UUID
    name: str
    kind: str
    host: str
    port: int
    security: str
    username: str = SchemaField(
        ...,
        description=gettext_lazy("smtp: the login; amazon_ses: the access key ID; others: empty."),
    )
    has_password: bool = SchemaField(
        ...,
        description=gettext_lazy("Whether a password (smtp) or an API key (providers) is stored."),
    )
    options: dict[str, str] = SchemaField(
        ...,
        description=gettext_lazy(
            "A provider's settings: region, sender_domain (mailgun), message_stream "
            "(postmark); {} for smtp and file."
        ),
    )
    weight: int
    max_connections: int
    is_active: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_has_password(backend: Backend) -> bool:
        return bool(backend.password)

    @staticmethod
    def resolve_options(backend: Backend) -> dict[str, str]:
        options = backend.options or {}
        return {name: str(options[name]) for name in SHOWN_OPTIONS if name in options}


class CheckOutcomeOut(Schema):
    outcome: str = SchemaField(
        ...,
        description=gettext_lazy(
            "sent (it works), retry (could not reach it) or failed (refused)."
        ),
    )
    code: int | None
    reply: str


class PeriodOut(Schema):
    start: datetime.datetime
    end: datetime.datetime


class QuotaMonthOut(PeriodOut):
    amount: int = SchemaField(..., description=gettext_lazy("Messages the plan grants this month."))
    credited: int = SchemaField(
        ..., description=gettext_lazy("Messages credited back for incidents.")
    )
    used: int = SchemaField(..., description=gettext_lazy("Messages relays accepted."))
    granted: int = SchemaField(..., description=gettext_lazy("amount + credited."))
    carried: int = SchemaField(
        ...,
        description=gettext_lazy(
            "Messages left from the months before, still usable (0 under the monthly rule)."
        ),
    )
    left: int = SchemaField(
        ...,
        description=gettext_lazy(
            "carried + granted - used: what remains at the month's end (now, for the current "
            "month; for months to come, what they would start with)."
        ),
    )
    expired: int = SchemaField(
        ...,
        description=gettext_lazy(
            "What was left when the month ended and could not be carried over (the monthly "
            "rule, or the term's last month)."
        ),
    )


class TermOut(Schema):
    """The term and its rule, as the consumption page shows them."""

    term: PeriodOut = SchemaField(
        ...,
        description=gettext_lazy(
            "The plan's whole term: 365 days from the day after the credentials' delivery."
        ),
    )
    expiry: QuotaExpiry = SchemaField(
        ...,
        description=gettext_lazy(
            "term: each month's messages stay usable until the term ends (the tender's "
            "rule); monthly: they expire at the month's end."
        ),
    )
    credentials_delivered_on: datetime.date | None = SchemaField(
        ..., description=gettext_lazy("null: not set (the term starts on the plan's start day).")
    )
    days_left: int = SchemaField(..., description=gettext_lazy("Whole days until the term ends."))
    ends_soon: bool = SchemaField(
        ..., description=gettext_lazy("Whether the term ends within 30 days: a warning.")
    )
    carried_forward: int = SchemaField(
        ..., description=gettext_lazy("What the current month took over from the months before.")
    )
    balance_expires_at: datetime.datetime | None = SchemaField(
        ...,
        description=gettext_lazy(
            "When the balance stops being usable: the term's end, or under the monthly rule "
            "the month's; null outside the term."
        ),
    )


class QuotaOut(TermOut):
    months: list[QuotaMonthOut]
    period: PeriodOut | None = SchemaField(
        ..., description=gettext_lazy("The current month; null outside.")
    )
    balance: int = SchemaField(..., description=gettext_lazy("Messages that may still be sent."))
    used: int = SchemaField(..., description=gettext_lazy("Messages relays accepted this period."))


class QuotaSettingsIn(InputSchema):
    expiry: str = SchemaField(..., description=gettext_lazy("term or monthly."))
    credentials_delivered_on: str | None = SchemaField(
        None,
        description=gettext_lazy(
            "YYYY-MM-DD, not in the future; the term starts the day after. null: not set."
        ),
    )


class QuotaSettingsOut(Schema):
    expiry: QuotaExpiry
    credentials_delivered_on: datetime.date | None
    term: PeriodOut


class CreditIn(InputSchema):
    amount: int
    reason: str = SchemaField(
        ..., description=gettext_lazy("Such as the incident; it goes to the audit log.")
    )


class CreditOut(Schema):
    amount: int
    reason: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime = SchemaField(
        ...,
        description=gettext_lazy(
            "When the credited messages stop being usable: as the month's, the term's end "
            "or, under the monthly rule, the month's."
        ),
    )
    balance: int = SchemaField(..., description=gettext_lazy("The balance after the credit."))


def utc(at: datetime.datetime) -> datetime.datetime:
    """A time as the API gives it: in UTC, as every time read from the database. (The plan's
    months are built in the account's time zone.)"""
    return at.astimezone(datetime.UTC)


def month_out(month: Month) -> dict[str, Any]:
    """A month of the plan as the API gives it (GET /consumption and GET /quota)."""
    return {
        "start": utc(month.start),
        "end": utc(month.end),
        "amount": month.plan,
        "credited": month.credited,
        "used": month.used,
        "granted": month.granted,
        "carried": month.carried,
        "left": month.left,
        "expired": month.expired,
        "is_current": month.is_current,
    }


def term_out(figures: Consumption) -> dict[str, Any]:
    """The term and its rule as the API gives them (GET /consumption and GET /quota)."""
    until = figures.balance_expires_at
    return {
        "term": {"start": utc(figures.term_start), "end": utc(figures.term_end)},
        "expiry": figures.expiry,
        "credentials_delivered_on": figures.term.delivered_on,
        "days_left": figures.days_left,
        "ends_soon": figures.ends_soon,
        "carried_forward": figures.carried_forward,
        "balance_expires_at": utc(until) if until else None,
    }


class LimitsIn(InputSchema):
    per_second: int = SchemaField(
        0, description=gettext_lazy("Messages per second, all senders together; 0: no limit.")
    )
    frequency_cap: int = SchemaField(
        0,
        description=gettext_lazy(
            "At most this many marketing emails (campaigns and workflows together) to each "
            "contact in any 7 days; the rest are skipped and not billed. Transactional emails "
            "(signup confirmations, welcomes) do not count. 0: no cap."
        ),
    )
    domains: dict[str, int] = SchemaField(
        default_factory=dict,
        description=gettext_lazy(
            'Messages per minute per recipient domain, as {"gmail.com": 600}; a domain left '
            "out has no limit. An error names the domain's position (line)."
        ),
    )


class LimitsOut(Schema):
    per_second: int
    frequency_cap: int
    domains: dict[str, int]
