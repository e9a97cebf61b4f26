"""What enrols contacts and moves waiting ones on: events (listeners, in the emitter's
transaction, so an enrolment commits with the change that caused it) and the scheduler's
checks of date fields and segments.

Events also end waits: a contact waiting for an open, a click or a conversion is made due
at once (the wait step then sees the event and leaves by "yes"), and a conversion with a
workflow's goal ends the contact's run there ("exited at goal").
"""

import datetime
import uuid

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from pregon.automation import entry, nodes
from pregon.automation.models import (
    ACTIVE_STATUSES,
    Enrolment,
    EnrolmentStatus,
    Outcome,
    SegmentMember,
    StepLog,
    TriggerState,
    Workflow,
    WorkflowStatus,
)
from pregon.contacts import segments
from pregon.contacts.models import Contact, MailingList, Segment, Tag
from pregon.lib import events
from pregon.moodle.courses import category_course_pks, course_pks
from pregon.sending.models import Mailing

# Which trigger kinds each event can fire.
KINDS = {
    events.LIST_JOINED: "list_joined",
    events.TAG_ADDED: "tag_added",
    events.FORM_SUBMITTED: ("popup_submitted", "form_submitted"),
    events.MESSAGE_OPENED: "email_opened",
    events.MESSAGE_CLICKED: "link_clicked",
    events.CONVERSION: "converted",
    events.MOODLE_ENROLLED: "moodle_enrolled",
    events.MOODLE_COMPLETED: "moodle_completed",
}
WAKING = {
    events.MESSAGE_OPENED: "opened",
    events.MESSAGE_CLICKED: "clicked",
    events.CONVERSION: "converted",
}
SEGMENT_CHECK_EVERY = datetime.timedelta(minutes=5)


def _active() -> list[Workflow]:
    return list(Workflow.objects.filter(status=WorkflowStatus.ACTIVE))


def _nodes(workflow: Workflow, kind: str) -> list[dict]:
    return [node for node in workflow.graph.get("nodes", []) if node.get("type") == kind]


def on_event(name: str, payloads: list[dict]) -> None:
    """The listener (``events.listen`` in AutomationConfig.ready)."""
    workflows = _active()
    if not workflows:
        return
    kinds = KINDS.get(name, ())
    kinds = (kinds,) if isinstance(kinds, str) else kinds
    for workflow in workflows:
        for node in _nodes(workflow, "trigger"):
            if node["config"].get("kind") in kinds:
                matching = _matching(node["config"], payloads)
                entry.enrol(workflow, node["id"], [p["contact"] for p in matching])
        if name in WAKING:
            _wake(workflow, WAKING[name], payloads)
    if name == events.CONVERSION:
        _exit_at_goal(workflows, payloads)


def _matching(config: dict, payloads: list[dict]) -> list[dict]:
    """The payloads (with a contact) that fire a trigger with ``config``. Payloads name
    lists, tags, pop-ups, campaigns and courses by id; the builder names them by code (a tag
    by name, a course or category by Moodle id), so the ids are looked up once per batch."""
    kind = config["kind"]
    found = [p for p in payloads if p.get("contact")]
    if kind == "list_joined":
        ids = set(MailingList.objects.filter(code=config.get("list")).values_list("pk", flat=True))
        return [p for p in found if p.get("list") in ids]
    if kind == "tag_added":
        ids = set(Tag.objects.filter(name=config.get("tag")).values_list("pk", flat=True))
        return [p for p in found if p.get("tag") in ids]
    if kind == "popup_submitted":
        return [p for p in found if p.get("popup") in _popup_ids(config.get("popup"))]
    if kind == "form_submitted":
        return found  # Any sign-up form, a pop-up's included.
    if kind == "converted":
        return [p for p in found if not config.get("goal") or p.get("goal") == config["goal"]]
    if kind in nodes.MOODLE_TRIGGERS:
        return _in_courses(config, found)
    # An open or a click: a person's (not a mail-privacy proxy's or a link scanner's).
    found = [p for p in found if not p.get("machine")]
    if config.get("campaign"):
        campaigns = set(
            Mailing.objects.filter(campaign__code=_uuid(config["campaign"])).values_list(
                "campaign", flat=True
            )
        )
        found = [p for p in found if p.get("campaign") in campaigns]
    if kind == "link_clicked" and config.get("url"):
        links = dict(
            Mailing.objects.filter(pk__in={p.get("mailing") for p in found}).values_list(
                "pk", "links"
            )
        )
        found = [p for p in found if _is_link(links.get(p.get("mailing"), []), p, config["url"])]
    return found


def _in_courses(config: dict, payloads: list[dict]) -> list[dict]:
    """The enrolments or completions in the trigger's courses, or in a course of its
    category (subcategories included), or in any course."""
    if config.get("category"):
        courses = set(category_course_pks([_moodle_id(config["category"])]))
    elif config.get("courses"):
        courses = set(course_pks([_moodle_id(course) for course in config["courses"]]))
    else:
        return payloads
    return [p for p in payloads if p.get("course") in courses]


def _moodle_id(value: object) -> int | None:
    text = str(value).strip()
    return int(text) if text.isdecimal() else None


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _popup_ids(code: object) -> set[int]:
    # Automation may not import the pop-ups app (DESIGN.md's order): its model by name.
    popup = apps.get_model("popups", "Popup")
    return set(popup.objects.filter(code=_uuid(code)).values_list("pk", flat=True))


def _is_link(links: list[str], payload: dict, url: str) -> bool:
    """Whether the click (on a link of ``links``) was on ``url``; the UTM tags added to the
    link are not compared."""
    position = payload.get("link")
    if not isinstance(position, int) or not 0 <= position < len(links):
        return False
    clicked = links[position]
    return clicked == url or ("?" not in url and clicked.split("?")[0] == url)


def _wake(workflow: Workflow, event: str, payloads: list[dict]) -> None:
    nodes = [
        node["id"]
        for node in _nodes(workflow, "wait")
        if node["config"].get("mode") == "until_event" and node["config"].get("event") == event
    ]
    contacts = {p["contact"] for p in payloads if p.get("contact")}
    if nodes and contacts:
        Enrolment.objects.filter(
            workflow=workflow,
            node__in=nodes,
            status=EnrolmentStatus.WAITING,
            waiting=True,
            contact_id__in=contacts,
        ).update(due_at=timezone.now())


def _exit_at_goal(workflows: list[Workflow], payloads: list[dict]) -> None:
    now = timezone.now()
    for workflow in workflows:
        for node in _nodes(workflow, "goal"):
            goal = node["config"].get("goal")
            contacts = {
                p["contact"] for p in payloads if p.get("contact") and p.get("goal") == goal
            }
            if not contacts:
                continue
            runs = Enrolment.objects.filter(
                workflow=workflow, contact_id__in=contacts, status__in=ACTIVE_STATUSES
            )
            ended = list(runs.values_list("pk", "contact_id"))
            runs.filter(pk__in=[pk for pk, _contact in ended]).update(
                status=EnrolmentStatus.EXITED_GOAL, finished_at=now, lease=None, leased_until=None
            )
            StepLog.objects.bulk_create(
                StepLog(
                    enrolment_id=pk,
                    workflow=workflow,
                    contact_id=contact,
                    node=node["id"],
                    outcome=Outcome.GOAL,
                    at=now,
                    detail=goal,
                )
                for pk, contact in ended
            )


def start_checks(workflow: Workflow) -> None:
    """On activation: remember who is in each "joins a segment" trigger's segment now, so
    that only those who join later enter."""
    for node in _nodes(workflow, "trigger"):
        if node["config"].get("kind") != "segment_joined":
            continue
        state, created = TriggerState.objects.get_or_create(workflow=workflow, node=node["id"])
        if created:
            _segment_diff(workflow, node, state)


def check_scheduled() -> int:
    """The scheduler's job: date-field and segment triggers that are due; return how many
    contacts entered."""
    entered = 0
    now = timezone.now()
    for workflow in _active():
        for node in _nodes(workflow, "trigger"):
            kind = node["config"].get("kind")
            if kind not in ("date_field", "segment_joined"):
                continue
            with transaction.atomic():
                state, _created = TriggerState.objects.select_for_update().get_or_create(
                    workflow=workflow, node=node["id"]
                )
                if kind == "date_field":
                    entered += _date_field(workflow, node, state, now)
                elif state.checked_at is None or now - state.checked_at >= SEGMENT_CHECK_EVERY:
                    entered += entry.enrol(
                        workflow, node["id"], _segment_diff(workflow, node, state)
                    )
    return entered


def _date_field(workflow: Workflow, node: dict, state: TriggerState, now: datetime.datetime) -> int:
    """Once a day, at the trigger's time: enrol those whose date field is ``offset_days``
    away (-7: the date is in 7 days)."""
    config = node["config"]
    local = timezone.localtime(now)
    at = datetime.time.fromisoformat(config.get("time", "09:00"))
    if state.last_day == local.date() or local.time() < at:
        return 0
    target = local.date() - datetime.timedelta(days=config.get("offset_days", 0))
    ids = Contact.objects.filter(**{f"attributes__{config['field']}": target.isoformat()})
    state.last_day, state.checked_at = local.date(), now
    state.save(update_fields=["last_day", "checked_at"])
    return entry.enrol(workflow, node["id"], ids.values_list("pk", flat=True))


def _segment_diff(workflow: Workflow, node: dict, state: TriggerState) -> set[int]:
    """Who joined the trigger's segment since the last check (and remember who is in it)."""
    segment = Segment.objects.filter(code=node["config"].get("segment")).first()
    now_in = set()
    if segment is not None:
        now_in = set(segments.filter_contacts(segment.rules).values_list("pk", flat=True))
    members = SegmentMember.objects.filter(workflow=workflow, node=node["id"])
    before = set(members.values_list("contact_id", flat=True))
    joined = now_in - before
    members.filter(contact_id__in=before - now_in).delete()
    SegmentMember.objects.bulk_create(
        (SegmentMember(workflow=workflow, node=node["id"], contact_id=pk) for pk in joined),
        batch_size=1000,
        ignore_conflicts=True,
    )
    state.checked_at = timezone.now()
    state.save(update_fields=["checked_at"])
    return joined


def listen() -> None:
    events.listen([*KINDS, *WAKING], on_event)
