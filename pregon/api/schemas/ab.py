"""The schemas of routes_ab.py: a campaign's A/B test, its results and its winner."""

import datetime
from typing import Literal

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.api.schemas.base import InputSchema

Kind = Literal["subject", "sender_name", "content", "send_time"]
Metric = Literal["opens", "clicks", "conversions"]


class VariantIn(InputSchema):
    subject: str = SchemaField("", description=gettext_lazy("For kind subject."))
    from_name: str = SchemaField("", description=gettext_lazy("For kind sender_name."))
    template: str | None = SchemaField(
        None, description=gettext_lazy("For kind content: the code of a template ready to send.")
    )
    send_at: datetime.datetime | None = SchemaField(
        None,
        description=gettext_lazy(
            "For kind send_time: a time to come; without a time zone, the account's."
        ),
    )


class AbTestIn(InputSchema):
    kind: Kind = SchemaField(
        ..., description=gettext_lazy("What the variants change; the rest is the campaign's.")
    )
    variants: list[VariantIn] = SchemaField(
        ...,
        min_length=2,
        max_length=4,
        description=gettext_lazy(
            "2 to 4 variants, A first; each sets only the field of the kind, and no two may "
            "be the same."
        ),
    )
    portion: int = SchemaField(
        20, description=gettext_lazy("The percentage of the audience in the test, 5 to 50.")
    )
    wait_hours: int = SchemaField(
        4, description=gettext_lazy("Hours after the last variant's send time, 1 to 168.")
    )
    metric: Metric = "opens"
    automatic: bool = SchemaField(
        True,
        description=gettext_lazy(
            "Send the winner to the rest by itself; false: wait for POST …/ab-test/winner."
        ),
    )


class VariantOut(Schema):
    letter: str
    subject: str
    from_name: str
    template: str | None
    send_at: datetime.datetime | None
    recipients: int = SchemaField(..., description=gettext_lazy("Messages of the test portion."))
    sent: int
    opens: int = SchemaField(
        ..., description=gettext_lazy("People who opened or clicked, machines left out.")
    )
    clicks: int
    conversions: int
    open_rate: float | None
    click_rate: float | None
    conversion_rate: float | None
    is_leader: bool
    difference: float | None = SchemaField(
        ...,
        description=gettext_lazy(
            "Its rate of the test's metric minus the leader's (0 to 1); null for the leader."
        ),
    )
    p_value: float | None = SchemaField(
        ..., description=gettext_lazy("Of a two-proportion z-test against the leader.")
    )
    significant: bool = SchemaField(
        ..., description=gettext_lazy("Whether the difference is larger than chance at 95 %.")
    )
    verdict: str


class AbTestOut(Schema):
    kind: str
    portion: int
    wait_hours: int
    metric: str
    automatic: bool
    decide_at: datetime.datetime | None = SchemaField(
        ..., description=gettext_lazy("When the winner may be chosen; null until it starts.")
    )
    winner: str | None = SchemaField(..., description=gettext_lazy("The winning letter."))
    decided_at: datetime.datetime | None
    variants: list[VariantOut]


class WinnerIn(InputSchema):
    variant: Literal["A", "B", "C", "D"]
