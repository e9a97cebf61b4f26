"""The fields a segment condition can name, and the operators of each kind of field.

A contact's own values (built-in columns and custom fields) have the kinds of
``OPERATORS``. Conditions on other rows (the contact's lists and tags, the messages it got)
come in a ``RuleFamily`` that the app owning those rows registers from its
``AppConfig.ready()``: contacts may not import the apps above it (DESIGN.md's app order),
so they bring their rules here instead.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Expression, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pregon.contacts.models import ConsentSource, Field, FieldType, Status
from pregon.contacts.segments.columns import field_expression, ready_column
from pregon.contacts.segments.sql import Fold, JsonValue, Stored

CUSTOM_PREFIX = "field:"


@dataclass(frozen=True)
class FieldSpec:
    """One field a condition can test: its name in the rules, label, kind and what it reads.

    ``source`` is the model column for built-in fields and the JSON key for custom fields;
    ``nullable`` says whether "is empty" makes sense for it. ``column`` names a custom
    field's column on PostgreSQL (``segments.columns``), which rules read its value from.
    """

    name: str
    label: str
    kind: str
    source: str = ""
    nullable: bool = True
    choices: tuple[tuple[str, str], ...] = field(default=())
    column: str = ""

    def expression(self) -> Expression:
        """The field's value (a custom text field's as stored, for its suggestions too)."""
        if not self.name.startswith(CUSTOM_PREFIX):
            return F(self.source)
        if self.column and self.kind != "text":
            return Stored(field_expression(self.source, self.kind), self.column)
        json_type = {"number": "number", "bool": "bool"}.get(self.kind, "text")
        return JsonValue(self.source, json_type)

    def folded(self) -> Expression:
        """A text field's value as text rules compare it: without accents or case (what a
        custom text field's column holds)."""
        if self.column:
            return Stored(field_expression(self.source, self.kind), self.column)
        return Fold(self.expression())


# Operator -> the kind of value it takes (None: no value). Order is the order in the UI.
OPERATORS: dict[str, dict[str, str | None]] = {
    "text": {
        "equals": "text",
        "not_equals": "text",
        "contains": "text",
        "not_contains": "text",
        "starts_with": "text",
        "is_empty": None,
        "is_not_empty": None,
    },
    "number": {
        "equals": "number",
        "not_equals": "number",
        "less_than": "number",
        "at_most": "number",
        "greater_than": "number",
        "at_least": "number",
        "is_empty": None,
        "is_not_empty": None,
    },
    "date": {
        "on": "date",
        "before": "date",
        "after": "date",
        "between": "date_range",
        "in_last_days": "days",
        "more_than_days_ago": "days",
        "is_empty": None,
        "is_not_empty": None,
    },
    "bool": {"is_yes": None, "is_no": None, "is_empty": None, "is_not_empty": None},
    "choice": {"is": "choices", "is_not": "choices", "is_empty": None, "is_not_empty": None},
}
OPERATORS["datetime"] = OPERATORS["date"]
EMPTINESS_OPERATORS = {"is_empty", "is_not_empty"}

OPERATOR_LABELS = {
    "equals": gettext_lazy("is"),
    "not_equals": gettext_lazy("is not"),
    "contains": gettext_lazy("contains"),
    "not_contains": gettext_lazy("does not contain"),
    "starts_with": gettext_lazy("starts with"),
    "is_empty": gettext_lazy("is empty"),
    "is_not_empty": gettext_lazy("is not empty"),
    "less_than": gettext_lazy("is less than"),
    "at_most": gettext_lazy("is at most"),
    "greater_than": gettext_lazy("is greater than"),
    "at_least": gettext_lazy("is at least"),
    "on": gettext_lazy("is on"),
    "before": gettext_lazy("is before"),
    "after": gettext_lazy("is after"),
    "between": gettext_lazy("is between"),
    "in_last_days": gettext_lazy("is in the last … days"),
    "more_than_days_ago": gettext_lazy("is more than … days ago"),
    "is_yes": gettext_lazy("is yes"),
    "is_no": gettext_lazy("is no"),
    "is": gettext_lazy("is one of"),
    "is_not": gettext_lazy("is none of"),
}


@dataclass(frozen=True)
class RuleFamily:
    """Conditions of one ``kind`` on rows related to a contact, as the app that owns those
    rows defines them.

    ``fields`` are the fields it adds to the rules (all of ``kind``), shown in the editor's
    group ``group``; families with the same group label share the group. ``operators`` maps
    each operator to the kind of value it takes (None: no value), in the editor's order,
    and ``operator_labels`` names them. ``parsers`` reads each kind of value into its
    normalised form, or raises ValueError with what to fix. ``compile`` turns a field, an
    operator and a normalised value into a ``Q`` on contacts. ``choices`` gives the values
    the editor offers for its fields, as ``{"value", "label"}`` dicts.
    """

    kind: str
    group: str
    fields: tuple[FieldSpec, ...]
    operators: dict[str, str | None]
    operator_labels: dict[str, str]
    parsers: dict[str, Callable[[Any, FieldSpec], Any]]
    compile: Callable[[FieldSpec, str, Any], Q]
    choices: Callable[[], list[dict]]


_families: dict[str, RuleFamily] = {}


def register(rule_family: RuleFamily) -> None:
    """Add ``rule_family``'s fields to the rules; apps call it from ``AppConfig.ready()``.

    The editor lists families in the order they were registered, so in INSTALLED_APPS
    order. Registering a family of the same kind again replaces it in place.
    """
    _families[rule_family.kind] = rule_family


def families() -> list[RuleFamily]:
    """The registered families, in the order they were registered."""
    return list(_families.values())


def family(kind: str) -> RuleFamily | None:
    """The registered family of conditions of ``kind``; None for a contact's own values."""
    return _families.get(kind)


def field_specs() -> dict[str, FieldSpec]:
    """Every field a condition can name, built-in ones first, then the registered
    families' fields, then custom fields, by their name in the rules."""
    specs = [
        FieldSpec("email", _("Email address"), "text", "email", nullable=False),
        FieldSpec("first_name", _("First name"), "text", "first_name"),
        FieldSpec("last_name", _("Last name"), "text", "last_name"),
        FieldSpec("phone", _("Phone"), "text", "phone"),
        # Empty while SMS may be sent; the date the contact opted out otherwise.
        FieldSpec("sms_opted_out_at", _("Opted out of SMS on"), "datetime", "sms_opted_out_at"),
        FieldSpec("status", _("Status"), "choice", "status", False, tuple(Status.choices)),
        FieldSpec(
            "consent_source",
            _("Consent source"),
            "choice",
            "consent_source",
            choices=tuple(ConsentSource.choices),
        ),
        FieldSpec("consent_at", _("Consent given at"), "datetime", "consent_at"),
        FieldSpec("created_at", _("Created"), "datetime", "created_at", nullable=False),
        FieldSpec("updated_at", _("Updated"), "datetime", "updated_at", nullable=False),
    ]
    for registered in _families.values():
        specs.extend(registered.fields)
    kinds = {
        FieldType.TEXT: "text",
        FieldType.NUMBER: "number",
        FieldType.DATE: "date",
        FieldType.BOOLEAN: "bool",
    }
    for custom in Field.objects.order_by("label"):
        specs.append(
            FieldSpec(
                CUSTOM_PREFIX + custom.key,
                custom.label,
                kinds[custom.type],
                custom.key,
                column=ready_column(custom) or "",
            )
        )
    return {spec.name: spec for spec in specs}


def operators_for(spec: FieldSpec) -> dict[str, str | None]:
    """The operators that apply to ``spec``, mapped to the kind of value each takes."""
    registered = _families.get(spec.kind)
    operators = registered.operators if registered else OPERATORS[spec.kind]
    if spec.nullable:
        return operators
    return {name: value for name, value in operators.items() if name not in EMPTINESS_OPERATORS}


def operator_label(spec: FieldSpec, operator: str) -> str:
    """What the editor calls ``operator`` on ``spec``, translated."""
    registered = _families.get(spec.kind)
    return str((registered.operator_labels if registered else OPERATOR_LABELS)[operator])
