"""Segments: audiences described as rules (data, never SQL) and compiled to ORM queries.

A rule set is a group, and a group holds conditions and further groups::

    {"match": "all" | "any", "rules": [condition | group, ...]}
    {"field": "status", "operator": "is", "value": ["subscribed"]}

``field`` names a built-in column (``email``, ``status``, ``created_at``…), a custom field
as ``field:<key>``, or a field of a registered rule family: ``list`` and ``tag``
(``membership``), engagement with the messages sent (``opened``, ``clicked``, from
``pregon.campaigns.segment_rules``). Each field has a *kind*, and the kind decides which
operators apply, what value each operator takes and how a condition becomes a ``Q``: for a
contact's own values, ``fields.OPERATORS``, ``validation.VALUE_PARSERS`` and
``query.COMPILERS``; for rows of other apps, the ``RuleFamily`` that app registers from its
``AppConfig.ready()``, since contacts may not import it (DESIGN.md's app order).

The modules: ``fields`` (the fields, operators and the registry), ``validation``,
``query`` (rules to ``Q``), ``catalogue`` (what the editor shows), ``membership`` (lists
and tags), ``sql`` (JSON values and accent folding on SQLite and PostgreSQL).
"""

from pregon.contacts.segments.catalogue import catalogue
from pregon.contacts.segments.fields import FieldSpec, RuleFamily, register
from pregon.contacts.segments.query import count_contacts, filter_contacts, to_q
from pregon.contacts.segments.validation import (
    as_list,
    ids_by_id_or_code,
    parse_days,
    validate_rules,
)

__all__ = [
    "FieldSpec",
    "RuleFamily",
    "as_list",
    "catalogue",
    "count_contacts",
    "filter_contacts",
    "ids_by_id_or_code",
    "parse_days",
    "register",
    "to_q",
    "validate_rules",
]
