"""Enrolling contacts: a trigger fired for them, an API call, or a person by hand.

``enrol`` writes one waiting enrolment per contact at the trigger's node, due now, with
one set-based insert; the engine takes it from there. It runs in the caller's transaction
(an event's listener runs in the emitter's), so it only writes rows, and it never fails on
a contact who is already in the workflow: the unique active run per workflow and contact,
and ON CONFLICT DO NOTHING, keep the first.
"""

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from pregon.automation.models import (
    ACTIVE_STATUSES,
    Enrolment,
    EnrolmentStatus,
    EntryRule,
    Workflow,
    WorkflowStatus,
)
from pregon.contacts import segments
from pregon.contacts.models import Contact, Segment


def enrol(workflow: Workflow, trigger: str, contact_ids: Iterable[int]) -> int:
    """Enrol each of ``contact_ids`` who may enter ``workflow`` now (its entry rule) at the
    trigger node ``trigger``; return how many entered. Nothing happens unless it is active.
    """
    if workflow.status != WorkflowStatus.ACTIVE:
        return 0
    ids = set(contact_ids)
    if not ids:
        return 0
    now = timezone.now()
    ids -= may_not_enter(workflow, ids, now)
    if not ids:
        return 0
    ordered = sorted(ids)
    return sum(
        _insert(workflow.pk, trigger, ordered[start : start + CHUNK], now)
        for start in range(0, len(ordered), CHUNK)
    )


CHUNK = 500


def _insert(workflow_id: int, trigger: str, ids: list[int], now: datetime.datetime) -> int:
    """Insert the waiting enrolments of ``ids``; return how many were new. ON CONFLICT DO
    NOTHING: a contact enrolled by another trigger in the same instant keeps that run."""
    table = Enrolment._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, false, 0, '')"] * len(ids))
    params: list = []
    for pk in ids:
        params += [workflow_id, pk, trigger, EnrolmentStatus.WAITING, now, now]
    # Only our table's name is formatted in; every value goes as a parameter.
    sql = (
        f"INSERT INTO {table} (workflow_id, contact_id, node, status, due_at, entered_at, "  # noqa: S608
        f"waiting, attempts, error) VALUES {values} ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def may_not_enter(workflow: Workflow, ids: set[int], now: datetime.datetime) -> set[int]:
    """Those of ``ids`` the entry rule keeps out: in the workflow now, or ever ("once"), or
    within the days it asks ("again after")."""
    runs = Enrolment.objects.filter(workflow=workflow, contact_id__in=ids)
    if workflow.entry_rule == EntryRule.AGAIN:
        since = now - datetime.timedelta(days=workflow.again_after_days)
        runs = runs.filter(Q(status__in=ACTIVE_STATUSES) | Q(entered_at__gte=since))
    if len(ids) > 5000:
        # A big batch: the workflow's runs are read whole rather than as a huge IN list.
        runs = Enrolment.objects.filter(workflow=workflow)
        if workflow.entry_rule == EntryRule.AGAIN:
            runs = runs.filter(Q(status__in=ACTIVE_STATUSES) | Q(entered_at__gte=since))
        return ids & set(runs.values_list("contact_id", flat=True))
    return set(runs.values_list("contact_id", flat=True))


def enrol_contact(workflow: Workflow, contact: Contact) -> bool:
    """Enrol ``contact`` through the workflow's "api" trigger (the API's enrol route);
    False if it has no such trigger or the entry rule keeps the contact out."""
    trigger = first_trigger(workflow, "api")
    return trigger is not None and enrol(workflow, trigger, [contact.pk]) == 1


def enrol_segment(workflow: Workflow, segment: Segment, by: object = None) -> int:
    """Enrol everyone in ``segment`` now through the workflow's "manual" trigger; return how
    many entered (0 without such a trigger). ``by``: who asked (kept for the audit)."""
    trigger = first_trigger(workflow, "manual")
    if trigger is None:
        return 0
    members = segments.filter_contacts(segment.rules).values_list("pk", flat=True)
    with transaction.atomic():
        return enrol(workflow, trigger, members.iterator(chunk_size=2000))


def first_trigger(workflow: Workflow, kind: str) -> str | None:
    """The id of the workflow's first trigger node of ``kind``, if it has one."""
    for node in workflow.graph.get("nodes", []):
        if node.get("type") == "trigger" and node.get("config", {}).get("kind") == kind:
            return node["id"]
    return None
