"""The schemas of routes_approval.py: a campaign's approval and the approval setting."""

import datetime

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.api.schemas.base import InputSchema


class ApprovalOut(Schema):
    needed: bool = SchemaField(
        ...,
        description=gettext_lazy(
            "Whether the campaign needs an administrator's approval to be scheduled (the "
            "setting, and its recipients now)."
        ),
    )
    state: str = SchemaField(
        ...,
        description=gettext_lazy(
            "Empty (never asked for), requested, approved, refused, or edited (approved, "
            "then changed: it needs a new approval)."
        ),
    )
    digest: str = SchemaField(
        ...,
        description=gettext_lazy(
            "A hash of the campaign as it is now (content, sender, template, audience, A/B "
            "test): what an approval approves."
        ),
    )
    requested_by: str | None
    decided_by: str | None
    decided_at: datetime.datetime | None
    note: str


class DecisionIn(InputSchema):
    approve: bool = SchemaField(..., description=gettext_lazy("true approves, false refuses."))
    note: str = SchemaField(
        "",
        max_length=500,
        description=gettext_lazy("Required to refuse: what to change."),
    )
    digest: str = SchemaField(
        "",
        description=gettext_lazy(
            "The digest the administrator checked (GET …/approval): if the campaign changed "
            "since, a 409. Empty: the campaign as it is."
        ),
    )


class ApprovalSettingsIn(InputSchema):
    approval_required: bool
    approval_threshold: int = SchemaField(
        ...,
        description=gettext_lazy(
            "Campaigns to more recipients than this need approval; 0: every campaign."
        ),
    )


class ApprovalSettingsOut(Schema):
    approval_required: bool
    approval_threshold: int
