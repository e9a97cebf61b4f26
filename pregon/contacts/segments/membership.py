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
