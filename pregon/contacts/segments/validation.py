"""Checking a segment's rules: the shape of groups and conditions, and each value read
into its normalised form (``validate_rules``)."""

import datetime
import math
import uuid
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pregon.contacts.segments.fields import (
    CUSTOM_PREFIX,
    FieldSpec,
    family,
    field_specs,
    operators_for,
)

MAX_DEPTH = 4  # The top-level group counts as one.
MAX_CONDITIONS = 100
MAX_VALUES = 100  # Lists, tags or statuses in one condition.
MAX_DAYS = 36500

# Value parsers: (value, spec) -> normalised value, or raise ValueError with what to fix.


def parse_text(value: Any, spec: FieldSpec) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError(_("enter a text."))
    text = str(value).strip()
    if not text:
        raise ValueError(_("enter a text (to find empty values, use “is empty”)."))
    if len(text) > 255:
        raise ValueError(_("the text is longer than 255 characters."))
    return text


def parse_number(value: Any, spec: FieldSpec) -> int | float:
    if isinstance(value, bool):
        raise ValueError(_("enter a number."))
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ValueError(_("enter a number.")) from None
    if not math.isfinite(number):
        raise ValueError(_("enter a number."))
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def parse_date(value: Any, spec: FieldSpec) -> str:
    try:
        return datetime.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ValueError(_("enter a date as YYYY-MM-DD.")) from None


def parse_date_range(value: Any, spec: FieldSpec) -> list[str]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError(_("enter two dates."))
    start, end = parse_date(value[0], spec), parse_date(value[1], spec)
    if start > end:
        raise ValueError(_("the first date is after the second."))
    return [start, end]


def parse_days(value: Any, spec: FieldSpec) -> int:
    """A whole number of days, 1 to MAX_DAYS; raises ValueError otherwise."""
    try:
        days = int(str(value).strip())
    except ValueError:
        days = 0
    if isinstance(value, bool) or not 1 <= days <= MAX_DAYS:
        raise ValueError(
            _("enter a whole number of days between 1 and %(max)s.") % {"max": MAX_DAYS}
        )
    return days


def as_list(value: Any) -> list:
    """``value`` (one item or several) as a list of distinct ids or names, in order.

    Raises ValueError when there is none, more than MAX_VALUES, or something else.
    """
    values = value if isinstance(value, list | tuple) else [value]
    values = [item for item in values if item not in (None, "")]
    if not values:
        raise ValueError(_("choose at least one value."))
    if len(values) > MAX_VALUES:
        raise ValueError(_("choose at most %(count)s values.") % {"count": MAX_VALUES})
    if any(not isinstance(item, str | int) or isinstance(item, bool) for item in values):
        raise ValueError(_("choose values from the list."))
    return list(dict.fromkeys(values))


def ids_by_id_or_code(value: Any, things: QuerySet, unknown: str) -> list[int]:
    """The ids of the rows of ``things`` that ``value`` names (one item or several, each an
    id or a UUID code), in order and once each. Raises ValueError with ``unknown`` (which
    may show the item as ``%(value)s``) for an item that names none of them."""
    ids = []
    for item in as_list(value):
        text = str(item).strip()
        found = None
        if text.isdecimal():
            found = things.filter(id=int(text)).values_list("id", flat=True).first()
        else:
            try:
                code = uuid.UUID(text)
            except ValueError:
                code = None
            if code is not None:
                found = things.filter(code=code).values_list("id", flat=True).first()
        if found is None:
            raise ValueError(unknown % {"value": text})
        ids.append(found)
    return list(dict.fromkeys(ids))


def parse_choices(value: Any, spec: FieldSpec) -> list[str]:
    allowed = {choice for choice, _label in spec.choices}
    values = as_list(value)
    unknown = [str(item) for item in values if item not in allowed]
    if unknown:
        raise ValueError(_("unknown value “%(value)s”.") % {"value": unknown[0]})
    return values


VALUE_PARSERS: dict[str, Callable[[Any, FieldSpec], Any]] = {
    "text": parse_text,
    "number": parse_number,
    "date": parse_date,
    "date_range": parse_date_range,
    "days": parse_days,
    "choices": parse_choices,
}


def validate_rules(rules: dict | None, specs: dict[str, FieldSpec] | None = None) -> dict:
    """Check a rule set and return it normalised (list codes and tag names become ids),
    against ``specs`` (``field_specs()``, read if not given).

    Empty nested groups are dropped: they are a group the user has not filled in yet.
    Raises ValueError with a message for the user that names the bad condition.
    """
    if rules is None or rules == {}:
        return {"match": "all", "rules": []}
    specs = field_specs() if specs is None else specs
    counter = [0]
    return _validate_group(rules, specs, 1, counter)


def _validate_group(group: Any, specs: dict[str, FieldSpec], depth: int, counter: list) -> dict:
    if not isinstance(group, dict) or group.get("match") not in ("all", "any"):
        raise ValueError(_("Each group must say whether to match “all” or “any” of its rules."))
    if depth > MAX_DEPTH:
        raise ValueError(
            _("Groups can be nested at most %(depth)s levels deep.") % {"depth": MAX_DEPTH}
        )
    children = group.get("rules", [])
    if not isinstance(children, list):
        raise ValueError(_("A group's rules must be a list."))
    normalised = []
    for child in children:
        if isinstance(child, dict) and "match" in child:
            subgroup = _validate_group(child, specs, depth + 1, counter)
            if subgroup["rules"]:
                normalised.append(subgroup)
        else:
            counter[0] += 1
            if counter[0] > MAX_CONDITIONS:
                raise ValueError(
                    _("A segment can have at most %(count)s conditions.")
                    % {"count": MAX_CONDITIONS}
                )
            normalised.append(_validate_condition(child, specs))
    return {"match": group["match"], "rules": normalised}


def _validate_condition(condition: Any, specs: dict[str, FieldSpec]) -> dict:
    if not isinstance(condition, dict) or not isinstance(condition.get("field"), str):
        raise ValueError(_("Each rule must be a condition with a field, or a group."))
    name = condition["field"]
    spec = specs.get(name)
    if spec is None:
        if name.startswith(CUSTOM_PREFIX):
            raise ValueError(
                _("Unknown custom field “%(key)s”.") % {"key": name[len(CUSTOM_PREFIX) :]}
            )
        raise ValueError(_("Unknown field “%(field)s”.") % {"field": name})
    operator = condition.get("operator")
    operators = operators_for(spec)
    if not isinstance(operator, str) or operator not in operators:
        raise ValueError(
            _("“%(operator)s” is not an operator for the field “%(field)s”.")
            % {"operator": operator, "field": spec.label}
        )
    value_kind = operators[operator]
    value = None
    if value_kind is not None:
        registered = family(spec.kind)
        parse = (registered.parsers if registered else VALUE_PARSERS)[value_kind]
        try:
            value = parse(condition.get("value"), spec)
        except ValueError as error:
            raise ValueError(
                _("Condition on “%(field)s”: %(problem)s") % {"field": spec.label, "problem": error}
            ) from None
    return {"field": name, "operator": operator, "value": value}
