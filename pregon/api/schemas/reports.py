"""The schemas of routes_reports.py: a campaign's report and event log, and the first
steps."""

import datetime
from enum import StrEnum

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema

from pregon.reports.events import LEFT_TOPIC
from pregon.sending.models import BounceCause, BounceKind
from pregon.tracking.models import EventKind


class EngagementOut(Schema):
    opened_unique: int = SchemaField(
        description=gettext_lazy("Messages opened (a click counts as an open).")
    )
    opened_total: int = SchemaField(description=gettext_lazy("Open events."))
    not_opened: int = SchemaField(description=gettext_lazy("Delivered messages not opened."))
    clicked_unique: int = SchemaField(description=gettext_lazy("Messages with a click."))
    clicked_total: int = SchemaField(description=gettext_lazy("Click events."))
    open_rate: float | None = SchemaField(
        description=gettext_lazy("opened_unique / delivered (0 to 1).")
    )
    click_through_rate: float | None = SchemaField(
        description=gettext_lazy("clicked_unique / delivered.")
    )
    click_to_open_rate: float | None = SchemaField(
        description=gettext_lazy("clicked_unique / opened_unique.")
    )


class SkippedOut(Schema):
    paused: int = SchemaField(
        description=gettext_lazy("The person paused emails in the preference centre.")
    )
    frequency_cap: int = SchemaField(
        description=gettext_lazy(
            "The contact had had the frequency cap's marketing emails in the last 7 days."
        )
    )
    left: int = SchemaField(
        description=gettext_lazy(
            "Unsubscribed, bounced, complained or deleted since the campaign started."
        )
    )
    suppressed: int = SchemaField(description=gettext_lazy("The address was suppressed."))
    total: int


class FiguresOut(Schema):
    recipients: int = SchemaField(
        description=gettext_lazy("Messages of the campaign, whatever their status.")
    )
    sent: int = SchemaField(description=gettext_lazy("Messages the relay or provider accepted."))
    delivered: int = SchemaField(description=gettext_lazy("Sent and not bounced afterwards."))
    bounced_hard: int
    bounced_soft: int
    sending_side_rejections: int = SchemaField(
        description=gettext_lazy(
            "Messages refused for something on the sending side (a block of the "
            "sending server, SPF/DKIM/DMARC, the content): not delivered, but no fault of the "
            "address, which is not suppressed."
        )
    )
    complaints: int
    unsubscribed: int = SchemaField(
        description=gettext_lazy("Messages whose recipient unsubscribed from everything.")
    )
    topic_opt_outs: int = SchemaField(
        description=gettext_lazy(
            "Messages whose recipient left one of its topics instead, and still receives the "
            "other mailings."
        )
    )
    skipped: SkippedOut = SchemaField(
        description=gettext_lazy(
            "Messages not sent when their turn came, by reason; none was billed."
        )
    )
    conversions: int = SchemaField(description=gettext_lazy("Messages with a conversion reported."))
    conversion_rate: float | None = SchemaField(
        description=gettext_lazy("conversions / delivered.")
    )
    conversions_by_method: dict[str, int] = SchemaField(
        description=gettext_lazy(
            "Messages with a conversion by the method that measured it: moodle (a Moodle "
            "sync found the enrolment), script (the classroom page's pixel), api (the "
            'classroom\'s server), "" (recorded before the method was kept). Methods with '
            "none are left out."
        )
    )
    human: EngagementOut = SchemaField(
        description=gettext_lazy(
            "People only: Gmail's opens included (its image proxy fetches only when "
            "a person opens); Apple Mail Privacy Protection's opens and link scanners' clicks left "
            "out. A click counts as an open."
        )
    )
    raw: EngagementOut = SchemaField(
        description=gettext_lazy(
            "Every event: Apple Mail Privacy Protection's opens and scanners' too."
        )
    )


class LinkOut(Schema):
    position: int
    url: str
    unique: int = SchemaField(description=gettext_lazy("Messages with a click on this link."))
    total: int = SchemaField(description=gettext_lazy("Clicks on this link."))
    share: float = SchemaField(description=gettext_lazy("This link's part of all clicks (0 to 1)."))


class SeriesOut(Schema):
    labels: list[str]
    opens: list[int]
    clicks: list[int]


class TallyOut(Schema):
    name: str = SchemaField(
        description=gettext_lazy('The mail program or device kind; "" when unknown.')
    )
    people: int


class ReportOut(Schema):
    campaign: str
    name: str
    status: str
    time_zone: str = SchemaField(description=gettext_lazy("The zone of the hours and times below."))
    figures: FiguresOut
    links: list[LinkOut] = SchemaField(description=gettext_lazy("Clicks per link, people only."))
    by_hour: SeriesOut = SchemaField(
        description=gettext_lazy("Opens and clicks by hour of the day (00-23).")
    )
    over_time: SeriesOut = SchemaField(
        description=gettext_lazy("Opens and clicks per hour (per day past 3 days).")
    )
    clients: list[TallyOut]
    devices: list[TallyOut]


class EventKindIn(StrEnum):
    OPENED = EventKind.OPENED.value
    CLICKED = EventKind.CLICKED.value
    UNSUBSCRIBED = EventKind.UNSUBSCRIBED.value
    CONVERTED = EventKind.CONVERTED.value
    LEFT_TOPIC = LEFT_TOPIC
    HARD = BounceKind.HARD.value
    SOFT = BounceKind.SOFT.value
    COMPLAINT = BounceKind.COMPLAINT.value
    SENDER = BounceKind.SENDER.value


class EventOut(Schema):
    kind: str = SchemaField(
        description=gettext_lazy(
            "opened, clicked, unsubscribed, left_topic (left one of the campaign's topics "
            "only), converted, hard, soft, sender (a sending-side rejection) or complaint."
        )
    )
    at: datetime.datetime
    email: str
    link: int | None = SchemaField(description=gettext_lazy("The link's position (clicks)."))
    url: str = SchemaField(description=gettext_lazy("The link's address (clicks)."))
    client: str
    device: str
    machine: str = SchemaField(
        description=gettext_lazy('Why it looks like a machine\'s; "" for a person.')
    )
    detail: str = SchemaField(
        description=gettext_lazy(
            "The reason of a bounce or unsubscribe, the topic left, a conversion's goal."
        )
    )
    source: str = SchemaField(
        description=gettext_lazy("Where a bounce came from: smtp, mailbox or webhook.")
    )
    cause: str = SchemaField(
        description=format_lazy(
            gettext_lazy('Why a bounce happened, a stable code: {codes}; "" for events.'),
            codes=", ".join(BounceCause.values),
        )
    )
    method: str = SchemaField(
        description=gettext_lazy(
            'How a conversion was measured: moodle, script or api; "" for other events and '
            "for conversions recorded before the method was kept."
        )
    )


class StepOut(Schema):
    key: str = SchemaField(
        description=gettext_lazy(
            "brand_kit, relay, sender, contacts, template, test_send or campaign."
        )
    )
    title: str
    help: str = SchemaField(description=gettext_lazy("What the step is, or what is left of it."))
    url: str = SchemaField(
        description=gettext_lazy("The web app's page for it; empty if this user may not open it.")
    )
    done: bool = SchemaField(
        description=gettext_lazy("Ticked from what exists, never from what was clicked.")
    )


class GettingStartedOut(Schema):
    complete: bool = SchemaField(
        description=gettext_lazy("Every step done: the dashboard no longer shows the list.")
    )
    steps: list[StepOut]
