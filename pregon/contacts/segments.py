"""Segments: audiences described as rules (data, never SQL) and compiled to ORM queries.

A rule set is a group, and a group holds conditions and further groups::

    {"match": "all" | "any", "rules": [condition | group, ...]}
    {"field": "status", "operator": "is", "value": ["subscribed"]}

``field`` names a built-in column (``email``, ``status``, ``created_at``…), ``list``
(membership), ``tag``, engagement with the messages sent (``opened``, ``clicked``), or a
custom field as ``field:<key>``. Each field has a *kind*, and the
kind decides which operators apply (``OPERATORS``), what value each operator takes
(``VALUE_PARSERS``) and how a condition becomes a ``Q`` (``COMPILERS``). A new kind of
condition is one entry in each of those dicts plus its ``FieldSpec`` in ``field_specs()``;
nothing else changes.

Other code calls ``validate_rules``, ``to_q``, ``filter_contacts`` and ``count_contacts``.
"""

import datetime
import json
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    Expression,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import Length
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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from pregon.contacts.models import (
    ConsentSource,
    Contact,
    Field,
    FieldType,
    MailingList,
    Status,
    Subscription,
    Tag,
)

MAX_DEPTH = 4  # The top-level group counts as one.
MAX_CONDITIONS = 100
MAX_VALUES = 100  # Lists, tags or statuses in one condition.
MAX_DAYS = 36500
MAX_SUGGESTIONS = 50  # Values offered for a custom text field, most common first.
MAX_SUGGESTION_LENGTH = 80  # Longer values are notes, not categories to pick from.
CUSTOM_PREFIX = "field:"


class JsonValue(Func):
    """``Contact.attributes[key]`` as SQL text, number or boolean, on SQLite and PostgreSQL.

    A number or yes/no read finds NULL where the stored value has another JSON type (say, a
    string kept from before the field's type changed), so such a contact simply does not
    match; a plain ``Cast`` would make PostgreSQL abort the whole query instead. Keys are
    passed as parameters and never parsed as lookups, so any slug works as a key.
    """

    OUTPUT = {"text": TextField, "number": FloatField, "bool": BooleanField}

    def __init__(self, key: str, json_type: str) -> None:
        super().__init__(F("attributes"), output_field=self.OUTPUT[json_type]())
        self.key = key
        self.json_type = json_type

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        column, params = compiler.compile(self.source_expressions[0])
        path = "$." + json.dumps(self.key)
        if self.json_type == "number":
            sql = (
                f"(CASE WHEN JSON_TYPE({column}, %s) IN ('integer', 'real')"
                f" THEN JSON_EXTRACT({column}, %s) END)"
            )
            return sql, [*params, path, *params, path]
        if self.json_type == "bool":
            sql = f"(CASE JSON_TYPE({column}, %s) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)"
            return sql, [*params, path]
        return f"JSON_EXTRACT({column}, %s)", [*params, path]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        column, params = compiler.compile(self.source_expressions[0])
        if self.json_type == "text":
            return f"({column} ->> %s)", [*params, self.key]
        json_type, cast = {
            "number": ("number", "double precision"),
            "bool": ("boolean", "boolean"),
        }[self.json_type]
        sql = (
            f"(CASE WHEN jsonb_typeof({column} -> %s) = '{json_type}'"
            f" THEN ({column} ->> %s)::{cast} END)"
        )
        return sql, [*params, self.key, *params, self.key]


# Accented letters as Spanish, Portuguese and French write them, upper and lower case, and
# the plain letter each folds to. Our constants, never user text: PostgreSQL gets them as
# literals in the SQL.
FOLD_FROM = "áàâäãåÁÀÂÄÃÅéèêëÉÈÊËíìîïÍÌÎÏóòôöõÓÒÔÖÕúùûüÚÙÛÜñÑçÇýÿÝ"
FOLD_TO = "aaaaaaaaaaaaeeeeeeeeiiiiiiiioooooooooouuuuuuuunnccyyy"
FOLD_TABLE = str.maketrans(FOLD_FROM, FOLD_TO)
SQLITE_FOLD = "pregon_fold"


def fold(text: str | None) -> str | None:
    """``text`` without accents and in lower case: "Junín" -> "junin". SQLite calls this."""
    return None if text is None else str(text).translate(FOLD_TABLE).lower()


def register_sqlite_fold(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give each new SQLite connection the ``pregon_fold`` function that ``Fold`` calls."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FOLD, 1, fold, deterministic=True)


class Fold(Func):
    """Text with accents removed and in lower case, so that "Junin" matches "Junín" and
    "LIMA" matches "Lima", on SQLite and PostgreSQL alike.

    PostgreSQL's ``unaccent`` needs an extension that only a superuser may create, and
    SQLite has nothing of the kind: PostgreSQL uses ``translate`` and SQLite our ``fold``,
    over the same table of letters (see docs/design.md).
    """

    output_field = TextField()

    def __init__(self, expression: Expression | str) -> None:
        if isinstance(expression, str):
            expression = Value(expression)
        super().__init__(expression)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{SQLITE_FOLD}({sql})", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"LOWER(TRANSLATE({sql}, '{FOLD_FROM}', '{FOLD_TO}'))", params


@dataclass(frozen=True)
class FieldSpec:
    """One field a condition can test: its name in the rules, label, kind and what it reads.

    ``source`` is the model column for built-in fields and the JSON key for custom fields;
    ``nullable`` says whether "is empty" makes sense for it.
    """

    name: str
    label: str
    kind: str
    source: str = ""
    nullable: bool = True
    choices: tuple[tuple[str, str], ...] = field(default=())

    def expression(self) -> Expression:
        if self.name.startswith(CUSTOM_PREFIX):
            json_type = {"number": "number", "bool": "bool"}.get(self.kind, "text")
            return JsonValue(self.source, json_type)
        return F(self.source)


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
    "list": {"is_in": "lists", "is_not_in": "lists"},
    "tag": {"is_in": "tags", "is_not_in": "tags"},
    "engagement": {
        "in_campaigns": "campaigns",
        "not_in_campaigns": "campaigns",
        "any_in_last_days": "days",
        "none_in_last_days": "days",
        "ever": None,
        "never": None,
    },
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
    "is_in": gettext_lazy("is in any of"),
    "is_not_in": gettext_lazy("is in none of"),
    "in_campaigns": gettext_lazy("one of these campaigns"),
    "not_in_campaigns": gettext_lazy("none of these (received)"),
    "any_in_last_days": gettext_lazy("a message in the last … days"),
    "none_in_last_days": gettext_lazy("no message in the last … days"),
    "ever": gettext_lazy("a message, ever"),
    "never": gettext_lazy("never (received some)"),
}


def field_specs() -> dict[str, FieldSpec]:
    """Every field a condition can name, built-in ones first, by their name in the rules."""
    specs = [
        FieldSpec("email", _("Email address"), "text", "email", nullable=False),
        FieldSpec("first_name", _("First name"), "text", "first_name"),
        FieldSpec("last_name", _("Last name"), "text", "last_name"),
        FieldSpec("phone", _("Phone"), "text", "phone"),
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
        FieldSpec("list", _("List"), "list", nullable=False),
        FieldSpec("tag", _("Tag"), "tag", nullable=False),
        # A context: the Spanish is a verb here ("Abrió"), an adjective as an event's kind.
        FieldSpec("opened", pgettext("segment rule", "Opened"), "engagement", "opened", False),
        FieldSpec("clicked", pgettext("segment rule", "Clicked"), "engagement", "clicked", False),
    ]
    kinds = {
        FieldType.TEXT: "text",
        FieldType.NUMBER: "number",
        FieldType.DATE: "date",
        FieldType.BOOLEAN: "bool",
    }
    for custom in Field.objects.order_by("label"):
        specs.append(
            FieldSpec(CUSTOM_PREFIX + custom.key, custom.label, kinds[custom.type], custom.key)
        )
    return {spec.name: spec for spec in specs}


def operators_for(spec: FieldSpec) -> dict[str, str | None]:
    """The operators that apply to ``spec``, mapped to the kind of value each takes."""
    operators = OPERATORS[spec.kind]
    if spec.nullable:
        return operators
    return {name: value for name, value in operators.items() if name not in EMPTINESS_OPERATORS}


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
    values = value if isinstance(value, list | tuple) else [value]
    values = [item for item in values if item not in (None, "")]
    if not values:
        raise ValueError(_("choose at least one value."))
    if len(values) > MAX_VALUES:
        raise ValueError(_("choose at most %(count)s values.") % {"count": MAX_VALUES})
    if any(not isinstance(item, str | int) or isinstance(item, bool) for item in values):
        raise ValueError(_("choose values from the list."))
    return list(dict.fromkeys(values))


def parse_choices(value: Any, spec: FieldSpec) -> list[str]:
    allowed = {choice for choice, _label in spec.choices}
    values = as_list(value)
    unknown = [str(item) for item in values if item not in allowed]
    if unknown:
        raise ValueError(_("unknown value “%(value)s”.") % {"value": unknown[0]})
    return values


def parse_lists(value: Any, spec: FieldSpec) -> list[int]:
    """Lists by id or by UUID code; returns their ids."""
    ids = []
    for item in as_list(value):
        text = str(item).strip()
        found = None
        if text.isdigit() and not isinstance(item, bool):
            found = MailingList.objects.filter(id=int(text)).values_list("id", flat=True).first()
        else:
            try:
                code = uuid.UUID(text)
            except ValueError:
                code = None
            if code is not None:
                found = MailingList.objects.filter(code=code).values_list("id", flat=True).first()
        if found is None:
            raise ValueError(_("unknown list “%(value)s”.") % {"value": text})
        ids.append(found)
    return list(dict.fromkeys(ids))


def parse_tags(value: Any, spec: FieldSpec) -> list[int]:
    """Tags by id or by name (a string is a name first, then an id if it is all digits)."""
    ids = []
    for item in as_list(value):
        text = str(item).strip()
        tags = Tag.objects.values_list("id", flat=True)
        found = None
        if isinstance(item, str):
            found = tags.filter(name=text).first()
        if found is None and text.isdigit() and not isinstance(item, bool):
            found = tags.filter(id=int(text)).first()
        if found is None:
            raise ValueError(_("unknown tag “%(value)s”.") % {"value": text})
        ids.append(found)
    return list(dict.fromkeys(ids))


def _campaigns() -> QuerySet:
    """Campaigns that started, the ones an engagement rule can name. The model is looked up
    by name: contacts comes before campaigns, and imports go one way (DESIGN.md)."""
    return apps.get_model("campaigns", "Campaign").objects.filter(mailing__isnull=False)


def parse_campaigns(value: Any, spec: FieldSpec) -> list[int]:
    """Started campaigns by id or by UUID code; returns their ids."""
    ids = []
    for item in as_list(value):
        text = str(item).strip()
        found = None
        if text.isdigit() and not isinstance(item, bool):
            found = _campaigns().filter(id=int(text)).values_list("id", flat=True).first()
        else:
            try:
                code = uuid.UUID(text)
            except ValueError:
                code = None
            if code is not None:
                found = _campaigns().filter(code=code).values_list("id", flat=True).first()
        if found is None:
            raise ValueError(_("unknown or unsent campaign “%(value)s”.") % {"value": text})
        ids.append(found)
    return list(dict.fromkeys(ids))


VALUE_PARSERS: dict[str, Callable[[Any, FieldSpec], Any]] = {
    "text": parse_text,
    "number": parse_number,
    "date": parse_date,
    "date_range": parse_date_range,
    "days": parse_days,
    "choices": parse_choices,
    "lists": parse_lists,
    "tags": parse_tags,
    "campaigns": parse_campaigns,
}


def validate_rules(rules: dict | None) -> dict:
    """Check a rule set and return it normalised (list codes and tag names become ids).

    Empty nested groups are dropped: they are a group the user has not filled in yet.
    Raises ValueError with a message for the user that names the bad condition.
    """
    if rules is None or rules == {}:
        return {"match": "all", "rules": []}
    specs = field_specs()
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
        try:
            value = VALUE_PARSERS[value_kind](condition.get("value"), spec)
        except ValueError as error:
            raise ValueError(
                _("Condition on “%(field)s”: %(problem)s") % {"field": spec.label, "problem": error}
            ) from None
    return {"field": name, "operator": operator, "value": value}


# Compilers: (spec, operator, normalised value) -> Q. Negative operators also match contacts
# with no value at all, which is what "is not Lima" means to a person; SQL's NULL would
# otherwise drop them silently.


def _empty(expression: Expression, text: bool) -> Q:
    empty = Q(IsNull(expression, True))
    return empty | Q(Exact(expression, "")) if text else empty


def compile_text(spec: FieldSpec, operator: str, value: Any) -> Q:
    expression = spec.expression()
    empty = _empty(expression, text=True)
    lookups = {"equals": Exact, "contains": Contains, "starts_with": StartsWith}
    if operator in lookups:
        return Q(lookups[operator](Fold(expression), Fold(value)))
    if operator == "not_equals":
        return ~Q(Exact(Fold(expression), Fold(value))) | empty
    if operator == "not_contains":
        return ~Q(Contains(Fold(expression), Fold(value))) | empty
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
        return Q(In(expression, value))
    if operator == "is_not":
        return ~Q(In(expression, value)) | empty
    return empty if operator == "is_empty" else ~empty


def compile_list(spec: FieldSpec, operator: str, value: Any) -> Q:
    # EXISTS rather than a join: no duplicate rows to DISTINCT away, and "not in" stays
    # true for a contact in no list at all (a NOT IN over a join would see NULL).
    member = Exists(
        Subscription.objects.filter(contact_id=OuterRef("pk"), mailing_list_id__in=value)
    )
    return Q(member) if operator == "is_in" else ~Q(member)


def compile_tag(spec: FieldSpec, operator: str, value: Any) -> Q:
    tagged = Exists(
        Contact.tags.through.objects.filter(contact_id=OuterRef("pk"), tag_id__in=value)
    )
    return Q(tagged) if operator == "is_in" else ~Q(tagged)


def _engaged(field_name: str, **lookups: Any) -> Exists:
    """Whether the contact has a person's event on a message that counts for ``field_name``:
    for "opened", ``Event.opening`` (an open or a click, Gmail's image proxy counting as a
    person), the rule of the campaign's report; for "clicked", ``Event.clicking``.

    Events of machines (Apple Mail Privacy Protection's opens, link scanners' clicks) do not
    count. Tracking's and sending's models are looked up by name and reached through their
    relations (Event.message, Message.contact), because contacts may not import them. An
    EXISTS, so that counts stay a semi-join.
    """
    event = apps.get_model("tracking", "Event")
    counted = event.opening() if field_name == "opened" else event.clicking()
    events = event.objects.filter(counted, message__contact_id=OuterRef("pk"), **lookups)
    return Exists(events)


def _received(**lookups: Any) -> Exists:
    messages = apps.get_model("sending", "Message").objects.filter(
        contact_id=OuterRef("pk"), status="sent", **lookups
    )
    return Exists(messages)


def compile_engagement(spec: FieldSpec, operator: str, value: Any) -> Q:
    """Opened or clicked (``spec.source``): some of these campaigns, recently, ever; or not.

    The negative rules on campaigns and "never" need the contact to have received one,
    so that a resend to "those who did not open it" goes to its recipients only.
    """
    field_name = spec.source
    if operator in ("in_campaigns", "not_in_campaigns"):
        mailings = list(_campaigns().filter(pk__in=value).values_list("mailing_id", flat=True))
        engaged = Q(_engaged(field_name, message__mailing_id__in=mailings))
        if operator == "in_campaigns":
            return engaged
        return Q(_received(mailing_id__in=mailings)) & ~engaged
    if operator in ("any_in_last_days", "none_in_last_days"):
        since = timezone.now() - datetime.timedelta(days=value)
        recent = Q(_engaged(field_name, at__gte=since))
        return recent if operator == "any_in_last_days" else ~recent
    engaged = Q(_engaged(field_name))
    return engaged if operator == "ever" else Q(_received()) & ~engaged


COMPILERS: dict[str, Callable[[FieldSpec, str, Any], Q]] = {
    "text": compile_text,
    "number": compile_number,
    "date": compile_date,
    "datetime": compile_datetime,
    "bool": compile_bool,
    "choice": compile_choice,
    "list": compile_list,
    "tag": compile_tag,
    "engagement": compile_engagement,
}


def _compile_group(group: dict, specs: dict[str, FieldSpec]) -> Q:
    parts = []
    for rule in group["rules"]:
        if "match" in rule:
            parts.append(_compile_group(rule, specs))
        else:
            spec = specs[rule["field"]]
            parts.append(COMPILERS[spec.kind](spec, rule["operator"], rule["value"]))
    combined = Q()
    for part in parts:
        combined = (combined & part) if group["match"] == "all" else (combined | part)
    return combined


def to_q(rules: dict | None) -> Q:
    """Validate ``rules`` and return the ``Q`` that selects their contacts.

    An empty rule set gives an empty ``Q``, which matches every contact. Raises ValueError
    as ``validate_rules`` does.
    """
    normalised = validate_rules(rules)
    return _compile_group(normalised, field_specs())


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
    """How many contacts match ``rules``. Raises ValueError as ``validate_rules`` does."""
    return filter_contacts(rules).count()


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


def catalogue() -> dict:
    """What the rule builder needs, with translated labels: the fields in groups, and for
    each field its kind, operators (with the kind of value each takes), choices, and for
    custom text fields the values most often stored (``common_values``)."""
    specs = field_specs().values()
    lists = [
        {"value": pk, "label": name} for pk, name in MailingList.objects.values_list("id", "name")
    ]
    tags = [{"value": pk, "label": name} for pk, name in Tag.objects.values_list("id", "name")]
    campaigns = [
        {"value": pk, "label": name}
        for pk, name in _campaigns().order_by("-started_at", "-pk").values_list("id", "name")
    ]

    def describe(spec: FieldSpec) -> dict:
        custom_text = spec.kind == "text" and spec.name.startswith(CUSTOM_PREFIX)
        choices = [{"value": value, "label": str(label)} for value, label in spec.choices]
        if spec.kind == "list":
            choices = lists
        elif spec.kind == "tag":
            choices = tags
        elif spec.kind == "engagement":
            choices = campaigns
        return {
            "name": spec.name,
            "label": str(spec.label),
            "kind": spec.kind,
            "operators": [
                {"name": name, "label": str(OPERATOR_LABELS[name]), "value": value_kind}
                for name, value_kind in operators_for(spec).items()
            ],
            "choices": choices,
            "suggestions": common_values(spec) if custom_text else [],
        }

    membership = {"list", "tag"}
    engagement = [describe(s) for s in specs if s.kind == "engagement"]
    return {
        "groups": [
            {
                "label": _("Contact"),
                "fields": [
                    describe(s)
                    for s in specs
                    if s.kind not in membership | {"engagement"}
                    and not s.name.startswith(CUSTOM_PREFIX)
                ],
            },
            {
                "label": _("Lists and tags"),
                "fields": [describe(s) for s in specs if s.kind in membership],
            },
            {"label": _("Engagement"), "fields": engagement},
            {
                "label": _("Custom fields"),
                "fields": [describe(s) for s in specs if s.name.startswith(CUSTOM_PREFIX)],
            },
        ]
    }
