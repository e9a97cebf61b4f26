"""Segment rules on engagement: contacts who opened or clicked some campaigns, recently,
ever, or never. ``CampaignsConfig.ready()`` registers them with ``pregon.contacts.segments``,
which may not import campaigns, tracking or sending (DESIGN.md's app order); campaigns is
the first app that sees all three.
"""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from pregon.campaigns.models import Campaign
from pregon.contacts.segments import FieldSpec, RuleFamily, ids_by_id_or_code, parse_days
from pregon.sending.models import Message, MessageStatus
from pregon.tracking.models import Event


def started_campaigns() -> QuerySet[Campaign]:
    """Campaigns that started, the ones an engagement rule can name."""
    return Campaign.objects.filter(mailing__isnull=False)


def parse_campaigns(value: Any, spec: FieldSpec) -> list[int]:
    """Started campaigns by id or by UUID code; returns their ids."""
    unknown = _("unknown or unsent campaign “%(value)s”.")
    return ids_by_id_or_code(value, started_campaigns(), unknown)


LAST_ENGAGED = {"opened": "last_opened_at", "clicked": "last_clicked_at"}


def _engaged(field_name: str, **lookups: Any) -> Exists:
    """Whether the contact has a person's event on a message that counts for ``field_name``:
    for "opened", ``Event.opening`` (an open or a click, Gmail's image proxy counting as a
    person), the rule of the campaign's report; for "clicked", ``Event.clicking``.

    Events of machines (Apple Mail Privacy Protection's opens, link scanners' clicks) do not
    count. The contact is reached through the event's message (Event.message,
    Message.contact). An EXISTS, so that counts stay a semi-join.
    """
    counted = Event.opening() if field_name == "opened" else Event.clicking()
    events = Event.objects.filter(counted, message__contact_id=OuterRef("pk"), **lookups)
    return Exists(events)


def _received(**lookups: Any) -> Exists:
    messages = Message.objects.filter(
        contact_id=OuterRef("pk"), status=MessageStatus.SENT, **lookups
    )
    return Exists(messages)


def compile_engagement(spec: FieldSpec, operator: str, value: Any) -> Q:
    """Opened or clicked (``spec.source``): some of these campaigns, recently, ever; or not.

    The negative rules on campaigns and "never" need the contact to have received one,
    so that a resend to "those who did not open it" goes to its recipients only. Campaign
    ids become mailing ids here, so that no subquery joins campaigns.
    """
    field_name = spec.source
    if operator in ("in_campaigns", "not_in_campaigns"):
        mailings = list(
            started_campaigns().filter(pk__in=value).values_list("mailing_id", flat=True)
        )
        engaged = Q(_engaged(field_name, message__mailing_id__in=mailings))
        if operator == "in_campaigns":
            return engaged
        return Q(_received(mailing_id__in=mailings)) & ~engaged
    # The rules on no campaign in particular read the contact's last open or click
    # (Contact.last_opened_at, last_clicked_at: pregon.tracking.engagement), the latest
    # of the very events _engaged would look for: one pass over contacts, no join.
    last = LAST_ENGAGED[field_name]
    if operator in ("any_in_last_days", "none_in_last_days"):
        since = timezone.now() - datetime.timedelta(days=value)
        recent = Q(**{f"{last}__gte": since})
        if operator == "any_in_last_days":
            return recent
        return ~recent | Q(**{f"{last}__isnull": True})
    engaged = Q(**{f"{last}__isnull": False})
    return engaged if operator == "ever" else Q(_received()) & ~engaged


def campaign_choices() -> list[dict]:
    """The started campaigns, newest first, as the editor offers them."""
    campaigns = started_campaigns().order_by("-started_at", "-pk").values_list("id", "name")
    return [{"value": pk, "label": name} for pk, name in campaigns]


ENGAGEMENT = RuleFamily(
    kind="engagement",
    group=gettext_lazy("Engagement"),
    fields=(
        # A context: the Spanish is a verb here ("Abrió"), an adjective as an event's kind.
        FieldSpec("opened", pgettext_lazy("segment rule", "Opened"), "engagement", "opened", False),
        FieldSpec(
            "clicked", pgettext_lazy("segment rule", "Clicked"), "engagement", "clicked", False
        ),
    ),
    operators={
        "in_campaigns": "campaigns",
        "not_in_campaigns": "campaigns",
        "any_in_last_days": "days",
        "none_in_last_days": "days",
        "ever": None,
        "never": None,
    },
    operator_labels={
        "in_campaigns": gettext_lazy("one of these campaigns"),
        "not_in_campaigns": gettext_lazy("none of these (received)"),
        "any_in_last_days": gettext_lazy("a message in the last … days"),
        "none_in_last_days": gettext_lazy("no message in the last … days"),
        "ever": gettext_lazy("a message, ever"),
        "never": gettext_lazy("never (received some)"),
    },
    parsers={"campaigns": parse_campaigns, "days": parse_days},
    compile=compile_engagement,
    choices=campaign_choices,
)
