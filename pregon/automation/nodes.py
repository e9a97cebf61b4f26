"""The node types of a workflow's graph, and the check of each one's config.

Configs (see pregon.automation.graph for the graph around them)::

    trigger  {"kind": one of TRIGGER_KINDS, and per kind "list" (code), "segment" (code),
              "tag" (name), "popup" (code), "campaign" (code) and "url" ("" for any),
              "goal", or "field" (a date field's key), "offset_days" and "time" ("09:00");
              moodle_enrolled and moodle_completed: "courses" (Moodle ids, [] for any)
              or "category" (a Moodle id: its courses and its subcategories')}
    email    {"template": code, "subject": "...", "sender": SenderIdentity id}
    sms      {"text": "..."}
    wait     {"mode": "duration", "minutes": N} | {"mode": "until_date", "date": ISO}
             | {"mode": "until_time", "time": "HH:MM"}
             | {"mode": "until_event", "event": "opened"|"clicked"|"converted", "within_days": N}
    branch   {"kind": "segment", "rules": segment rules} | {"kind": "engagement", "event": …}
    tag      {"action": "add"|"remove", "tag": name}
    list     {"action": "add"|"remove", "list": code}
    field    {"field": key or first_name/last_name/phone, "value": "..."}
    webhook  {"url": "https://..."}
    notify   {"emails": [...], "subject": "...", "text": "..."}
    goal     {"goal": slug}
"""

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pregon.contacts import segments
from pregon.contacts.models import Field, FieldType, MailingList, Segment
from pregon.content.models import EmailTemplate
from pregon.moodle.courses import known_categories, known_courses
from pregon.sending.models import SenderIdentity

TYPES = {
    "trigger": gettext_lazy("Trigger"),
    "email": gettext_lazy("Email"),
    "sms": gettext_lazy("SMS"),
    "wait": gettext_lazy("Wait"),
    "branch": gettext_lazy("Branch"),
    "tag": gettext_lazy("Tag"),
    "list": gettext_lazy("List"),
    "field": gettext_lazy("Field"),
    "webhook": gettext_lazy("Webhook"),
    "notify": gettext_lazy("Notify staff"),
    "goal": gettext_lazy("Goal"),
}
TRIGGER_KINDS = (
    "list_joined",
    "segment_joined",
    "tag_added",
    "popup_submitted",
    "form_submitted",
    "email_opened",
    "link_clicked",
    "converted",
    "date_field",
    "moodle_enrolled",
    "moodle_completed",
    "api",
    "manual",
)
MOODLE_TRIGGERS = ("moodle_enrolled", "moodle_completed")
EVENTS = ("opened", "clicked", "converted")
CONTACT_FIELDS = ("first_name", "last_name", "phone")


def type_label(kind: str) -> str:
    return str(TYPES.get(kind, kind))


def check(node: dict) -> list[str]:
    """What is wrong with ``node``'s config (empty: nothing)."""
    checker = CHECKS.get(node.get("type", ""))
    return checker(node.get("config") or {}) if checker else []


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _exists(model: type, value: Any) -> bool:
    return _is_uuid(value) and model.objects.filter(code=value).exists()


def _time(value: Any) -> bool:
    try:
        datetime.time.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _trigger(config: dict) -> list[str]:
    kind = config.get("kind")
    if kind not in TRIGGER_KINDS:
        return [_("choose what starts the workflow.")]
    if kind == "list_joined" and not _exists(MailingList, config.get("list")):
        return [_("choose a list that exists.")]
    if kind == "segment_joined" and not _exists(Segment, config.get("segment")):
        return [_("choose a segment that exists.")]
    if kind == "tag_added" and not str(config.get("tag", "")).strip():
        return [_("write the tag.")]
    if kind == "popup_submitted" and not _is_uuid(config.get("popup")):
        return [_("choose a pop-up.")]
    if kind == "link_clicked" and not _is_uuid(config.get("campaign")):
        return [_("choose the campaign whose link is clicked.")]
    if kind == "converted" and not str(config.get("goal", "")).strip():
        return [_("write the conversion's goal.")]
    if kind == "date_field":
        return _date_trigger(config)
    if kind in MOODLE_TRIGGERS:
        return _moodle_trigger(config)
    return []


def _date_trigger(config: dict) -> list[str]:
    problems = []
    if not Field.objects.filter(key=config.get("field"), type=FieldType.DATE).exists():
        problems.append(_("choose a custom field of type date."))
    if not isinstance(config.get("offset_days", 0), int):
        problems.append(_("the days before or after must be a whole number."))
    if not _time(config.get("time", "09:00")):
        problems.append(_("the time must be written as 09:00."))
    return problems


def _moodle_trigger(config: dict) -> list[str]:
    courses, category = config.get("courses") or [], config.get("category") or ""
    if not isinstance(courses, list) or isinstance(category, list | dict):
        return [_("choose values from the list.")]
    if courses and category:
        return [_("choose some courses or a category, not both.")]
    try:
        if courses:
            known_courses(courses)
        if category:
            known_categories(category)
    except ValueError as error:
        return [str(error)]
    return []


def _email(config: dict) -> list[str]:
    problems = []
    template = (
        EmailTemplate.objects.filter(code=config.get("template")).first()
        if _is_uuid(config.get("template"))
        else None
    )
    if template is None:
        problems.append(
            _("its email template does not exist (it may have been deleted): choose another.")
        )
    elif not template.is_ready:
        problems.append(_("its email template is not ready to send: fix it first."))
    if not str(config.get("subject", "")).strip():
        problems.append(_("write the subject."))
    if not SenderIdentity.objects.filter(pk=_int(config.get("sender"))).exists():
        problems.append(_("choose a sender that exists."))
    return problems


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _sms(config: dict) -> list[str]:
    return [] if str(config.get("text", "")).strip() else [_("write the text of the SMS.")]


def _wait(config: dict) -> list[str]:
    mode = config.get("mode")
    if mode == "duration":
        minutes = config.get("minutes")
        ok = isinstance(minutes, int) and not isinstance(minutes, bool) and minutes >= 0
        return [] if ok else [_("the wait must be a whole number of minutes, 0 or more.")]
    if mode == "until_date":
        try:
            datetime.datetime.fromisoformat(str(config.get("date")))
        except ValueError:
            return [_("write the date and time to wait for, as 2026-12-20T09:00.")]
        return []
    if mode == "until_time":
        return [] if _time(config.get("time")) else [_("the time must be written as 09:00.")]
    if mode == "until_event":
        problems = [] if config.get("event") in EVENTS else [_("choose the event to wait for.")]
        days = config.get("within_days")
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            problems.append(_("the days to wait for the event must be 1 or more."))
        return problems
    return [_("choose how long to wait.")]


def _branch(config: dict) -> list[str]:
    if config.get("kind") == "engagement":
        return [] if config.get("event") in EVENTS else [_("choose the event to branch on.")]
    if config.get("kind") == "segment":
        try:
            segments.validate_rules(config.get("rules"))
        except ValueError as error:
            return [str(error)]
        return []
    return [_("choose what the branch asks.")]


def _tag(config: dict) -> list[str]:
    problems = [] if config.get("action") in ("add", "remove") else [_("choose add or remove.")]
    if not str(config.get("tag", "")).strip():
        problems.append(_("write the tag."))
    return problems


def _list(config: dict) -> list[str]:
    problems = [] if config.get("action") in ("add", "remove") else [_("choose add or remove.")]
    if not _exists(MailingList, config.get("list")):
        problems.append(_("choose a list that exists."))
    return problems


def _field(config: dict) -> list[str]:
    key = config.get("field")
    if key in CONTACT_FIELDS or Field.objects.filter(key=key).exists():
        return []
    return [_("choose a field that exists.")]


def _webhook(config: dict) -> list[str]:
    try:
        URLValidator(schemes=["https", "http"])(str(config.get("url", "")))
    except ValidationError:
        return [_("write the full address to call, starting with https://.")]
    return []


def _notify(config: dict) -> list[str]:
    emails = config.get("emails")
    problems = []
    if not isinstance(emails, list) or not emails:
        problems.append(_("write at least one address to notify."))
    else:
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("“%(email)s” is not an email address.") % {"email": email})
    if not str(config.get("subject", "")).strip():
        problems.append(_("write the subject."))
    return problems


def _goal(config: dict) -> list[str]:
    return [] if str(config.get("goal", "")).strip() else [_("write the conversion's goal.")]


CHECKS = {
    "trigger": _trigger,
    "email": _email,
    "sms": _sms,
    "wait": _wait,
    "branch": _branch,
    "tag": _tag,
    "list": _list,
    "field": _field,
    "webhook": _webhook,
    "notify": _notify,
    "goal": _goal,
}
