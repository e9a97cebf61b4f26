"""The schemas of routes_automation.py: who enters a workflow, and the answer."""

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.api.schemas.base import InputSchema


class EnrolIn(InputSchema):
    email: str = SchemaField("", description=gettext_lazy("The contact's email address."))
    contact: str = SchemaField(
        "", description=gettext_lazy("The contact's code (instead of the address).")
    )


class EnrolOut(Schema):
    enrolled: bool
    detail: str
