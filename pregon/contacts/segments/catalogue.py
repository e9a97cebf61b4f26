"""What the segment editor (and the API) show of the rules: every field in its group, with
its operators, the values it offers and, for custom text fields, the values most stored."""

from django.db.models import Count
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from pregon.contacts.models import Contact
from pregon.contacts.segments.fields import (
    CUSTOM_PREFIX,
    FieldSpec,
    families,
    family,
    field_specs,
    operator_label,
    operators_for,
)

MAX_SUGGESTIONS = 50  # Values offered for a custom text field, most common first.
MAX_SUGGESTION_LENGTH = 80  # Longer values are notes, not categories to pick from.


def common_values(spec: FieldSpec) -> list[str]:
    """The values a custom text field holds most often (ties in alphabetical order), to
    offer as suggestions in the rule builder; short values only, at most MAX_SUGGESTIONS."""
    rows = (
        Contact.objects.annotate(value=spec.expression())
        .annotate(size=Length("value"))
        .filter(size__gt=0, size__lte=MAX_SUGGESTION_LENGTH)
        .values("value")
        .annotate(contacts=Count("pk"))
        .order_by("-contacts", "value")
        .values_list("value", flat=True)
    )
    return [value.strip() for value in rows[:MAX_SUGGESTIONS]]


def _describe(spec: FieldSpec, choices: list[dict] | None = None) -> dict:
    """One field as the rule builder reads it; ``choices`` replace the spec's own."""
    custom_text = spec.kind == "text" and spec.name.startswith(CUSTOM_PREFIX)
    if choices is None:
        choices = [{"value": value, "label": str(label)} for value, label in spec.choices]
    return {
        "name": spec.name,
        "label": str(spec.label),
        "kind": spec.kind,
        "operators": [
            {"name": name, "label": operator_label(spec, name), "value": value_kind}
            for name, value_kind in operators_for(spec).items()
        ],
        "choices": choices,
        "suggestions": common_values(spec) if custom_text else [],
    }


def catalogue() -> dict:
    """What the rule builder needs, with translated labels: the fields in groups (the
    contact's own fields, then each registered family's group, then custom fields), and
    for each field its kind, operators (with the kind of value each takes), choices, and
    for custom text fields the values most often stored (``common_values``)."""
    specs = field_specs().values()
    registered: dict[str, list[dict]] = {}
    for rule_family in families():
        choices = rule_family.choices()
        fields = registered.setdefault(str(rule_family.group), [])
        fields.extend(_describe(spec, choices) for spec in rule_family.fields)
    return {
        "groups": [
            {
                "label": _("Contact"),
                "fields": [
                    _describe(s)
                    for s in specs
                    if family(s.kind) is None and not s.name.startswith(CUSTOM_PREFIX)
                ],
            },
            *({"label": label, "fields": fields} for label, fields in registered.items()),
            {
                "label": _("Custom fields"),
                "fields": [_describe(s) for s in specs if s.name.startswith(CUSTOM_PREFIX)],
            },
        ]
    }
