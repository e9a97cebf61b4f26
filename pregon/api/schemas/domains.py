"""The schemas of routes_domains.py: sending domains and their DNS records."""

import datetime
from typing import Any
from uuid import UUID

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.api.schemas.base import InputSchema


class DomainIn(InputSchema):
    name: str = SchemaField(
        ..., description=gettext_lazy("The domain of the sender addresses: example.com.")
    )
    return_path: str = SchemaField(
        "",
        description=gettext_lazy(
            "The subdomain bounces come back to, with its own MX and SPF; empty: "
            "rebotes.<name>. It may not be the domain itself."
        ),
    )
    report_address: str = SchemaField(
        "", description=gettext_lazy("Where receivers send DMARC reports; empty: dmarc@<name>.")
    )


class DomainPatch(InputSchema):
    return_path: str = SchemaField(
        ..., description=gettext_lazy("A new subdomain for bounces; empty: rebotes.<name>.")
    )


class DomainOut(Schema):
    code: UUID
    name: str
    return_path: str = SchemaField(
        ..., description=gettext_lazy("The return path's domain (VERP bounces).")
    )
    report_address: str = SchemaField(..., description=gettext_lazy("Where DMARC reports go."))
    status: str = SchemaField(..., description=gettext_lazy("unverified, partial or verified."))
    checked_at: datetime.datetime | None = SchemaField(
        ..., description=gettext_lazy("The last verification; the DNS is checked again every day.")
    )
    created_at: datetime.datetime

    @staticmethod
    def resolve_report_address(domain: Any) -> str:
        return domain.dmarc_reports_to


class DomainRecordOut(Schema):
    purpose: str = SchemaField(
        ..., description=gettext_lazy("dkim, spf, dmarc or return_path (the MX).")
    )
    type: str = SchemaField(..., description=gettext_lazy("TXT or MX."))
    name: str
    value: str = SchemaField(
        ...,
        description=gettext_lazy("What to publish. Empty for the MX until a bounce host is known."),
    )
    selector: str = SchemaField("", description=gettext_lazy("DKIM: the key's selector."))
    is_pending: bool = SchemaField(
        False,
        description=gettext_lazy(
            "DKIM: a rotation's new key, signing once it is found in the DNS."
        ),
    )
    state: str = SchemaField(
        ...,
        description=gettext_lazy(
            "ok, missing, wrong, error (the DNS could not be asked) or unchecked."
        ),
    )
    message: str = SchemaField("", description=gettext_lazy("What the last verification found."))


class DomainDetailOut(DomainOut):
    records: list[DomainRecordOut]
    alignment: str = SchemaField("", description=gettext_lazy("DMARC alignment, as last verified."))
