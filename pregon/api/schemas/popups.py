"""The schemas of routes_popups.py: pop-ups, their report and the people who met them."""

import datetime
from uuid import UUID

from django.utils.translation import gettext_lazy
from ninja import Field as SchemaField
from ninja import Schema
from pydantic import ConfigDict

from pregon.api.schemas.base import InputSchema
from pregon.contacts.models import Contact
from pregon.popups.models import Popup


class PopupIn(InputSchema):
    name: str = SchemaField(
        ..., description=gettext_lazy("For staff and the reports; visitors don't see it.")
    )
    priority: int = SchemaField(
        10, description=gettext_lazy("When several pop-ups match a page, only the highest shows.")
    )
    design: str = ""
    format: str = SchemaField("modal", description=gettext_lazy("modal, top, bottom or corner."))
    title: str
    body: str = SchemaField(
        "",
        description=gettext_lazy(
            "HTML: bold, italics, lists and links are kept, other tags removed; scripts "
            "and event handlers are refused."
        ),
    )
    image_url: str = ""
    button_text: str = ""
    button_url: str = ""
    background_color: str = SchemaField(
        "", description=gettext_lazy("#rrggbb; empty: the brand's colour.")
    )
    text_color: str = ""
    button_color: str = ""
    starts_at: datetime.datetime | None = SchemaField(
        None, description=gettext_lazy("Without an offset, in the account's time zone.")
    )
    ends_at: datetime.datetime | None = None
    weekdays: list[int] = SchemaField(
        [], description=gettext_lazy("0 Monday to 6 Sunday; empty: every day.")
    )
    hour_from: int = SchemaField(
        0, description=gettext_lazy("0 to 23, in the account's time zone.")
    )
    hour_to: int = SchemaField(24, description=gettext_lazy("1 to 24, after hour_from."))
    trigger: str = SchemaField(
        "load", description=gettext_lazy("load, delay (seconds), scroll (percent) or exit.")
    )
    trigger_value: int = 0
    include_urls: list[str] = SchemaField(
        [],
        description=gettext_lazy(
            "Address patterns (* for anything; /path or https://…); empty: every page."
        ),
    )
    exclude_urls: list[str] = []
    course_ids: list[int] = SchemaField([], description=gettext_lazy("Moodle course ids."))
    category_ids: list[int] = SchemaField([], description=gettext_lazy("Moodle category ids."))
    page_types: list[str] = SchemaField(
        [],
        description=gettext_lazy(
            "course, activity, dashboard, my_courses, front_page, login, category."
        ),
    )
    login_state: str = SchemaField("any", description=gettext_lazy("any, in or out."))
    avoid_quiz: bool = True
    audience: str = SchemaField("all", description=gettext_lazy("all, known or unknown."))
    segment: str | None = SchemaField(
        None, description=gettext_lazy("Code of a segment; needs the audience known.")
    )
    device: str = SchemaField("any", description=gettext_lazy("any, desktop or phone."))
    frequency: str = SchemaField(
        "session",
        description=gettext_lazy("once, session, days (every N days) or total (N times)."),
    )
    frequency_value: int = 1
    after_action: str = SchemaField(
        "never",
        description=gettext_lazy("After a click, close or form: never again, or days."),
    )
    after_action_days: int = 30
    signup_form: str | None = SchemaField(
        None,
        description=gettext_lazy("Code of the signup form shown inside it (/api/v1/forms)."),
    )
    promoted_course: int | None = SchemaField(
        None,
        description=gettext_lazy(
            "The Moodle id of the course it announces, one synced from Moodle: a new "
            "enrolment in it after a click on the pop-up is its conversion."
        ),
    )
    is_published: bool = SchemaField(
        False, description=gettext_lazy("True publishes it at once; false leaves a draft.")
    )


class PopupPatch(InputSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "description": gettext_lazy("Like PopupIn, but only the keys sent change.")
        }
    )

    name: str | None = None
    priority: int | None = None
    design: str | None = None
    format: str | None = None
    title: str | None = None
    body: str | None = None
    image_url: str | None = None
    button_text: str | None = None
    button_url: str | None = None
    background_color: str | None = None
    text_color: str | None = None
    button_color: str | None = None
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    weekdays: list[int] | None = None
    hour_from: int | None = None
    hour_to: int | None = None
    trigger: str | None = None
    trigger_value: int | None = None
    include_urls: list[str] | None = None
    exclude_urls: list[str] | None = None
    course_ids: list[int] | None = None
    category_ids: list[int] | None = None
    page_types: list[str] | None = None
    login_state: str | None = None
    avoid_quiz: bool | None = None
    audience: str | None = None
    segment: str | None = None
    device: str | None = None
    frequency: str | None = None
    frequency_value: int | None = None
    after_action: str | None = None
    after_action_days: int | None = None
    signup_form: str | None = None
    promoted_course: int | None = None
    is_published: bool | None = None


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line]


class PopupOut(Schema):
    code: UUID
    name: str
    status: str = SchemaField(description=gettext_lazy("draft, scheduled, live or ended."))
    is_published: bool
    priority: int
    design: str
    format: str
    title: str
    body: str
    image_url: str
    button_text: str
    button_url: str
    background_color: str
    text_color: str
    button_color: str
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    weekdays: list[int]
    hour_from: int
    hour_to: int
    trigger: str
    trigger_value: int
    include_urls: list[str]
    exclude_urls: list[str]
    course_ids: list[int]
    category_ids: list[int]
    page_types: list[str]
    login_state: str
    avoid_quiz: bool
    audience: str
    segment: UUID | None
    device: str
    frequency: str
    frequency_value: int
    after_action: str
    after_action_days: int
    signup_form: UUID | None
    promoted_course: int | None = SchemaField(
        ..., description=gettext_lazy("The Moodle id of the course it announces, or null.")
    )
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_status(popup: Popup) -> str:
        return popup.status()

    @staticmethod
    def resolve_include_urls(popup: Popup) -> list[str]:
        return _lines(popup.include_urls)

    @staticmethod
    def resolve_exclude_urls(popup: Popup) -> list[str]:
        return _lines(popup.exclude_urls)

    @staticmethod
    def resolve_segment(popup: Popup) -> UUID | None:
        return popup.segment.code if popup.segment else None

    @staticmethod
    def resolve_signup_form(popup: Popup) -> UUID | None:
        return popup.signup_form.code if popup.signup_form else None

    @staticmethod
    def resolve_promoted_course(popup: Popup) -> int | None:
        return popup.promoted_course.moodle_id if popup.promoted_course else None


class PopupFiguresOut(Schema):
    views: int
    visitors: int = SchemaField(description=gettext_lazy("Unique visitors among the views."))
    clicks: int
    closes: int
    submissions: int = SchemaField(description=gettext_lazy("Forms sent."))
    conversions: int
    click_rate: float | None = SchemaField(
        description=gettext_lazy("Clicks per hundred views; null without views.")
    )


class PopupSeriesOut(Schema):
    labels: list[str]
    views: list[int]
    clicks: list[int]


class BreakdownOut(Schema):
    key: str | int | None = SchemaField(
        description=gettext_lazy(
            'The page\'s path, the Moodle course id (null outside a course) or the device ("" '
            "when unknown)."
        )
    )
    views: int
    visitors: int
    clicks: int
    click_rate: float | None


class PopupReportOut(Schema):
    popup: UUID
    name: str
    status: str
    time_zone: str = SchemaField(description=gettext_lazy("The zone of the days and hours below."))
    figures: PopupFiguresOut = SchemaField(
        description=gettext_lazy("People's events only: bots and floods are left out.")
    )
    conversions_by_method: dict[str, int] = SchemaField(
        description=gettext_lazy(
            "The conversions by the method that measured them: moodle (a Moodle sync found a "
            "known contact's enrolment after a click), script (the classroom page's pixel), \"\" "
            "(recorded before the method was kept). Methods with none are left out."
        )
    )
    by_day: PopupSeriesOut = SchemaField(
        description=gettext_lazy("Views and clicks per day, from the first to the last.")
    )
    by_hour: PopupSeriesOut = SchemaField(
        description=gettext_lazy("Views and clicks by hour of the day (00-23).")
    )
    pages: list[BreakdownOut] = SchemaField(description=gettext_lazy("The 50 pages most viewed."))
    courses: list[BreakdownOut] = SchemaField(
        description=gettext_lazy("The 50 Moodle courses most viewed.")
    )
    devices: list[BreakdownOut]


class PopupPersonOut(Schema):
    contact: UUID
    email: str
    first_name: str
    last_name: str
    first_at: datetime.datetime = SchemaField(description=gettext_lazy("Their first event."))
    last_at: datetime.datetime = SchemaField(description=gettext_lazy("Their last event."))
    views: int
    clicks: int
    submissions: int
    conversions: int

    @staticmethod
    def resolve_contact(person: Contact) -> UUID:
        return person.code
