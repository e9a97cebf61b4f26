"""The schemas of routes_impact.py: conversions reported by landing pages."""

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.tracking import conversions


class ConversionIn(Schema):
    token: str = SchemaField(
        ...,
        max_length=100,
        description=gettext_lazy(
            "The code a tracked link brought to the landing page as pregon=<token>."
        ),
    )
    goal: str = SchemaField(
        conversions.DEFAULT_GOAL,
        max_length=100,
        description=gettext_lazy("What the person did, such as matricula; stored as a slug."),
    )


class ConversionOut(Schema):
    recorded: bool = SchemaField(
        ...,
        description=gettext_lazy("false if this message already had a conversion for this goal."),
    )
    goal: str
    campaign: str | None = SchemaField(
        ..., description=gettext_lazy("Code of the message's campaign.")
    )
