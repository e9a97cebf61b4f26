"""Segment rules on pop-ups: contacts who saw or clicked some pop-ups, recently, ever, or
never. ``PopupsConfig.ready()`` registers them with ``pregon.contacts.segments``, which may
not import popups (DESIGN.md's app order).

Only people's events count (``PopupEvent.machine`` empty), and only those tied to a contact:
a visitor the embed script identified from an email's link, or who sent the pop-up's form.
"""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from pregon.contacts.segments import FieldSpec, RuleFamily, ids_by_id_or_code, parse_days
from pregon.popups.models import Popup, PopupEvent, PopupEventKind

# A person who clicked, closed or sent the form of a pop-up saw it, even if the view's
# beacon was lost (a page left at once) or came before the visitor was known.
SEEING = [
    PopupEventKind.VIEWED,
    PopupEventKind.CLICKED,
    PopupEventKind.CLOSED,
    PopupEventKind.SUBMITTED,
]
COUNTED = {"saw": SEEING, "clicked": [PopupEventKind.CLICKED]}


def parse_popups(value: Any, spec: FieldSpec) -> list[int]:
    """Pop-ups by id or by UUID code; returns their ids."""
    return ids_by_id_or_code(value, Popup.objects.all(), _("unknown pop-up “%(value)s”."))


def _did(field_name: str, **lookups: Any) -> Q:
    """Whether the contact has a person's event of the kinds ``field_name`` counts: an
    EXISTS on the index (contact, kind), so that counts stay a semi-join."""
    events = PopupEvent.objects.filter(
        contact_id=OuterRef("pk"), machine="", kind__in=COUNTED[field_name], **lookups
    )
    return Q(Exists(events))


def compile_popup_rule(spec: FieldSpec, operator: str, value: Any) -> Q:
    """Saw or clicked (``spec.source``): some of these pop-ups, in the last days, ever; or
    none of these, or never."""
    if operator == "in_popups":
        return _did(spec.source, popup_id__in=value)
    if operator == "not_in_popups":
        return ~_did(spec.source, popup_id__in=value)
    if operator == "any_in_last_days":
        return _did(spec.source, at__gte=timezone.now() - datetime.timedelta(days=value))
    did = _did(spec.source)
    return did if operator == "ever" else ~did


def popup_choices() -> list[dict]:
    """Every pop-up, newest first, as the editor offers them."""
    popups = Popup.objects.order_by("-created_at", "-pk").values_list("id", "name")
    return [{"value": pk, "label": name} for pk, name in popups]


POPUPS = RuleFamily(
    kind="popups",
    group=gettext_lazy("Pop-ups"),
    fields=(
        FieldSpec(
            "saw_popup", pgettext_lazy("segment rule", "Saw a pop-up"), "popups", "saw", False
        ),
        FieldSpec(
            "clicked_popup",
            pgettext_lazy("segment rule", "Clicked a pop-up"),
            "popups",
            "clicked",
            False,
        ),
    ),
    operators={
        "in_popups": "popups",
        "not_in_popups": "popups",
        "any_in_last_days": "days",
        "ever": None,
        "never": None,
    },
    operator_labels={
        "in_popups": gettext_lazy("one of these pop-ups"),
        "not_in_popups": gettext_lazy("none of these pop-ups"),
        "any_in_last_days": gettext_lazy("one in the last … days"),
        "ever": gettext_lazy("any, ever"),
        "never": gettext_lazy("none, ever"),
    },
    parsers={"popups": parse_popups, "days": parse_days},
    compile=compile_popup_rule,
    choices=popup_choices,
)
