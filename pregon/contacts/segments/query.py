"""Segment rules compiled to ORM queries: each condition becomes a ``Q`` (through its kind's
compiler, or its family's) and groups combine them with AND or OR."""

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Expression, Q, QuerySet
from django.db.models.lookups import (
    Contains,
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    IsNull,
    LessThan,
    LessThanOrEqual,
    StartsWith,
)
from django.utils import timezone

from pregon.contacts.models import Contact
from pregon.contacts.segments.costs import priced_for_memory
from pregon.contacts.segments.fields import FieldSpec, family, field_specs
from pregon.contacts.segments.membership import MEMBERSHIPS, in_all
from pregon.contacts.segments.sql import Fold
from pregon.contacts.segments.validation import validate_rules

# Compilers: (spec, operator, normalised value) -> Q. Negative operators also match contacts
# with no value at all, which is what "is not Lima" means to a person; SQL's NULL would
# otherwise drop them silently.


def _empty(expression: Expression, text: bool) -> Q:
    empty = Q(IsNull(expression, True))
    return empty | Q(Exact(expression, "")) if text else empty


def compile_text(spec: FieldSpec, operator: str, value: Any) -> Q:
    empty = _empty(spec.expression(), text=True)
    folded = spec.folded()
    lookups = {"equals": Exact, "contains": Contains, "starts_with": StartsWith}
    if operator in lookups:
        return Q(lookups[operator](folded, Fold(value)))
    if operator == "not_equals":
        return ~Q(Exact(folded, Fold(value))) | empty
    if operator == "not_contains":
        return ~Q(Contains(folded, Fold(value))) | empty
    return empty if operator == "is_empty" else ~empty


def compile_number(spec: FieldSpec, operator: str, value: Any) -> Q:
    expression = spec.expression()
    empty = _empty(expression, text=False)
    lookups = {
        "equals": Exact,
        "less_than": LessThan,
        "at_most": LessThanOrEqual,
        "greater_than": GreaterThan,
        "at_least": GreaterThanOrEqual,
    }
    if operator in lookups:
        return Q(lookups[operator](expression, value))
    if operator == "not_equals":
        return ~Q(Exact(expression, value)) | empty
    return empty if operator == "is_empty" else ~empty


def compile_date(spec: FieldSpec, operator: str, value: Any) -> Q:
    """A custom date: an ISO ``YYYY-MM-DD`` string, so string order is date order."""
    expression = spec.expression()
    empty = _empty(expression, text=True)
    today = timezone.localdate()
    if operator == "on":
        return Q(Exact(expression, value))
    if operator == "before":
        return Q(LessThan(expression, value))
    if operator == "after":
        return Q(GreaterThan(expression, value))
    if operator == "between":
        return Q(GreaterThanOrEqual(expression, value[0])) & Q(
            LessThanOrEqual(expression, value[1])
        )
    if operator == "in_last_days":
        since = (today - datetime.timedelta(days=value)).isoformat()
        return Q(GreaterThanOrEqual(expression, since)) & Q(
            LessThanOrEqual(expression, today.isoformat())
        )
    if operator == "more_than_days_ago":
        return Q(LessThan(expression, (today - datetime.timedelta(days=value)).isoformat()))
    return empty if operator == "is_empty" else ~empty


def _start_of_day(iso_date: str, days_later: int = 0) -> datetime.datetime:
    """Midnight at the start of a day in the account's time zone, as an aware datetime."""
    day = datetime.date.fromisoformat(iso_date) + datetime.timedelta(days=days_later)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def compile_datetime(spec: FieldSpec, operator: str, value: Any) -> Q:
    """A built-in timestamp; a day means that day in the account's time zone."""
    expression = spec.expression()
    if operator == "on":
        return Q(GreaterThanOrEqual(expression, _start_of_day(value))) & Q(
            LessThan(expression, _start_of_day(value, 1))
        )
    if operator == "before":
        return Q(LessThan(expression, _start_of_day(value)))
    if operator == "after":
        return Q(GreaterThanOrEqual(expression, _start_of_day(value, 1)))
    if operator == "between":
        return Q(GreaterThanOrEqual(expression, _start_of_day(value[0]))) & Q(
            LessThan(expression, _start_of_day(value[1], 1))
        )
    if operator == "in_last_days":
        return Q(GreaterThanOrEqual(expression, timezone.now() - datetime.timedelta(days=value)))
    if operator == "more_than_days_ago":
        return Q(LessThan(expression, timezone.now() - datetime.timedelta(days=value)))
    empty = Q(IsNull(expression, True))
    return empty if operator == "is_empty" else ~empty


def compile_bool(spec: FieldSpec, operator: str, value: Any) -> Q:
    expression = spec.expression()
    if operator in ("is_yes", "is_no"):
        return Q(Exact(expression, operator == "is_yes"))
    empty = Q(IsNull(expression, True))
    return empty if operator == "is_empty" else ~empty


def compile_choice(spec: FieldSpec, operator: str, value: Any) -> Q:
    expression = spec.expression()
    empty = _empty(expression, text=True)
    if operator == "is":
        # SQLite uses a partial index (the subscribed contacts': Contact.Meta) only for the
        # very condition it was made with, ``status = 'subscribed'``, never for ``IN``.
        return Q(Exact(expression, value[0]) if len(value) == 1 else In(expression, value))
    if operator == "is_not":
        return ~Q(In(expression, value)) | empty
    return empty if operator == "is_empty" else ~empty


COMPILERS: dict[str, Callable[[FieldSpec, str, Any], Q]] = {
    "text": compile_text,
    "number": compile_number,
    "date": compile_date,
    "datetime": compile_datetime,
    "bool": compile_bool,
    "choice": compile_choice,
}


def _compile_condition(spec: FieldSpec, operator: str, value: Any) -> Q:
    registered = family(spec.kind)
    compile_condition = registered.compile if registered else COMPILERS[spec.kind]
    return compile_condition(spec, operator, value)


def _compile_group(group: dict, specs: dict[str, FieldSpec]) -> Q:
    parts = []
    # "In any of" lists and tags that must all hold: one nested EXISTS (membership.in_all).
    memberships = []
    for rule in group["rules"]:
        if "match" in rule:
            parts.append(_compile_group(rule, specs))
            continue
        spec = specs[rule["field"]]
        if group["match"] == "all" and rule["operator"] == "is_in" and spec.kind in MEMBERSHIPS:
            memberships.append((spec.kind, rule["value"]))
        else:
            parts.append(_compile_condition(spec, rule["operator"], rule["value"]))
    if memberships:
        parts.append(in_all(memberships))
    combined = Q()
    for part in parts:
        combined = (combined & part) if group["match"] == "all" else (combined | part)
    return combined


def to_q(rules: dict | None) -> Q:
    """Validate ``rules`` and return the ``Q`` that selects their contacts.

    An empty rule set gives an empty ``Q``, which matches every contact. Raises ValueError
    as ``validate_rules`` does.
    """
    specs = field_specs()
    return _compile_group(validate_rules(rules, specs), specs)


def filter_contacts(
    rules: dict | None, queryset: QuerySet[Contact] | None = None
) -> QuerySet[Contact]:
    """The contacts of ``queryset`` (all contacts by default) that match ``rules``.

    Raises ValueError as ``validate_rules`` does.
    """
    if queryset is None:
        queryset = Contact.objects.all()
    return queryset.filter(to_q(rules))


def count_contacts(rules: dict | None) -> int:
    """How many contacts match ``rules``, planned as ``costs`` says. Raises
    ValueError as ``validate_rules`` does."""
    return priced_for_memory(filter_contacts(rules).count)
