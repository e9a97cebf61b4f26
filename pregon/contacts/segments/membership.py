"""Segment rules on a contact's lists and tags: the rule families contacts registers for
its own rows (``ContactsConfig.ready()``), as other apps register theirs."""

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pregon.contacts.models import Contact, MailingList, Subscription, Tag
from pregon.contacts.segments.fields import FieldSpec, RuleFamily
from pregon.contacts.segments.validation import as_list, ids_by_id_or_code

GROUP = gettext_lazy("Lists and tags")
OPERATOR_LABELS = {
    "is_in": gettext_lazy("is in any of"),
    "is_not_in": gettext_lazy("is in none of"),
}


def parse_lists(value: Any, spec: FieldSpec) -> list[int]:
    """Lists by id or by UUID code; returns their ids."""
    return ids_by_id_or_code(value, MailingList.objects.all(), _("unknown list “%(value)s”."))


def parse_tags(value: Any, spec: FieldSpec) -> list[int]:
    """Tags by id or by name (a string is a name first, then an id if it is all digits)."""
    ids = []
    for item in as_list(value):
        text = str(item).strip()
        tags = Tag.objects.values_list("id", flat=True)
        found = None
        if isinstance(item, str):
            found = tags.filter(name=text).first()
        if found is None and text.isdecimal() and not isinstance(item, bool):
            found = tags.filter(id=int(text)).first()
        if found is None:
            raise ValueError(_("unknown tag “%(value)s”.") % {"value": text})
        ids.append(found)
    return list(dict.fromkeys(ids))


# Each family's rows of a contact's memberships, and the column of the list or tag.
MEMBERSHIPS = {
    "list": (Subscription, "mailing_list_id"),
    "tag": (Contact.tags.through, "tag_id"),
}


def compile_list(spec: FieldSpec, operator: str, value: Any) -> Q:
    # EXISTS rather than a join: no duplicate rows to DISTINCT away, and "not in" stays
    # true for a contact in no list at all (a NOT IN over a join would see NULL).
    member = in_all([("list", value)])
    return member if operator == "is_in" else ~member


def compile_tag(spec: FieldSpec, operator: str, value: Any) -> Q:
    tagged = in_all([("tag", value)])
    return tagged if operator == "is_in" else ~tagged


def in_all(memberships: list[tuple[str, list[int]]]) -> Q:
    """Contacts in one of the lists or tags of each of ``memberships`` (a family's kind,
    "list" or "tag", and ids): an EXISTS, and the next one's EXISTS inside it.

    Nested, PostgreSQL matches the lists' and tags' ids with each other before it merges
    them with the contacts' (a course's 400,000 and a tag's 200,000: 80,000 left to merge
    with 700,000 subscribed contacts), where as EXISTS side by side its estimates led it
    to merge the subscribed contacts with the tag's first: a tenth of such a count
    (docs/design.md, "Lists and tags nested").
    """
    nested = None
    for position in reversed(range(len(memberships))):
        kind, ids = memberships[position]
        model, column = MEMBERSHIPS[kind]
        rows = model.objects.filter(
            contact_id=OuterRef("contact_id" if position else "pk"), **{f"{column}__in": ids}
        )
        nested = Exists(rows.filter(nested) if nested is not None else rows)
    return Q(nested)


def list_choices() -> list[dict]:
    """Every list, as the editor offers them."""
    return [
        {"value": pk, "label": name} for pk, name in MailingList.objects.values_list("id", "name")
    ]


def tag_choices() -> list[dict]:
    """Every tag, as the editor offers them."""
    return [{"value": pk, "label": name} for pk, name in Tag.objects.values_list("id", "name")]


LISTS = RuleFamily(
    kind="list",
    group=GROUP,
    fields=(FieldSpec("list", gettext_lazy("List"), "list", nullable=False),),
    operators={"is_in": "lists", "is_not_in": "lists"},
    operator_labels=OPERATOR_LABELS,
    parsers={"lists": parse_lists},
    compile=compile_list,
    choices=list_choices,
)
TAGS = RuleFamily(
    kind="tag",
    group=GROUP,
    fields=(FieldSpec("tag", gettext_lazy("Tag"), "tag", nullable=False),),
    operators={"is_in": "tags", "is_not_in": "tags"},
    operator_labels=OPERATOR_LABELS,
    parsers={"tags": parse_tags},
    compile=compile_tag,
    choices=tag_choices,
)
