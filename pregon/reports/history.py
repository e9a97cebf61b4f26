"""A contact's history: every message sent to them, and everything that became of it
(opens, clicks, bounces, complaints, unsubscribes, conversions), what they did with the
classroom's pop-ups once known (saw, clicked, closed, sent the form, converted), and every
step of a workflow they went through, and when they stopped or resumed SMS, newest first.

Built from eight queries whatever the length of the history: the contact's messages, their
events, their bounces (and the bounces that name only the address), the audit log's
unsubscribes and resubscribes, their pop-up events (people's only: a bot that followed
an email's link to the classroom is no news about the person), their workflow steps and
those workflows' graphs (to name each step), and their SMS choices. Unsubscribes come
from the audit log because it is append-only: subscribing again deletes the unsubscribe
event (the campaign's figures count people who are still out), and the history must still
tell that it happened.
"""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.automation import nodes
from pregon.automation.models import Outcome, StepLog, Workflow
from pregon.contacts import sms_opt_out
from pregon.contacts.models import Contact
from pregon.popups.models import PopupEvent
from pregon.sending.models import (
    Bounce,
    BounceCause,
    BounceKind,
    Message,
    MessageStatus,
    SkipReason,
)
from pregon.tracking import agents, conversions
from pregon.tracking.forms import reason_text
from pregon.tracking.models import Event, EventKind

KIND_LABELS = {
    "message": _("Message"),
    EventKind.OPENED: _("Opened"),
    EventKind.CLICKED: _("Clicked"),
    EventKind.CONVERTED: _("Converted"),
    EventKind.UNSUBSCRIBED: pgettext_lazy("contact history", "Unsubscribed"),
    "resubscribed": pgettext_lazy("contact history", "Subscribed again"),
    "sms_opted_out": _("Opted out of SMS"),
    "sms_opted_in": _("SMS sent again"),
    BounceKind.HARD: _("Hard bounce"),
    BounceKind.SOFT: _("Soft bounce"),
    BounceKind.SENDER: _("Sending-side rejection"),
    BounceKind.COMPLAINT: _("Complaint"),
}
# A pop-up event's kind in the history is "popup_" and the event's kind.
POPUP_PREFIX = "popup_"
POPUP_LABELS = {
    "popup_viewed": _("Saw the pop-up “%(name)s”"),
    "popup_clicked": _("Clicked the pop-up “%(name)s”"),
    "popup_closed": _("Closed the pop-up “%(name)s”"),
    "popup_submitted": _("Sent the form of the pop-up “%(name)s”"),
    "popup_converted": _("Converted from the pop-up “%(name)s”"),
}
WORKFLOW = "workflow"
CONVERSIONS = (EventKind.CONVERTED, POPUP_PREFIX + "converted")


@dataclass(frozen=True)
class Entry:
    """One line of the history.

    ``kind`` is "message", an event kind (opened, clicked, converted, unsubscribed),
    "resubscribed", a bounce kind (hard, soft, sender, complaint), a pop-up event's
    (popup_viewed, popup_clicked, popup_closed, popup_submitted, popup_converted), which
    names the pop-up in ``popup``, or "workflow", a step of the workflow ``workflow``.
    ``detail`` is the clicked link, the bounce's reason, the goal converted, the reason
    for leaving, the classroom page of a pop-up event or a workflow step's node and
    outcome; ``cause`` is a bounce's cause (``BounceCause``, "" for the rest); ``status``
    is the message's status and ``skip_reason`` why it was skipped (messages only);
    ``machine`` is why an event looks like a machine's, "" for a person's (and for what is
    not an event).
    """

    at: datetime.datetime
    kind: str
    campaign: str = ""
    campaign_code: uuid.UUID | None = None
    subject: str = ""
    status: str = ""
    skip_reason: str = ""
    detail: str = ""
    cause: str = ""
    machine: str = ""
    client: str = ""
    device: str = ""
    popup: str = ""
    popup_code: uuid.UUID | None = None
    workflow: str = ""
    workflow_code: uuid.UUID | None = None
    # How a conversion was measured (a ConversionMethod; "" for one recorded before the
    # method was kept, and for the rest).
    method: str = ""

    @property
    def label(self) -> str:
        if self.kind == WORKFLOW:
            return str(_("Workflow step"))
        if self.kind in POPUP_LABELS:
            return str(POPUP_LABELS[self.kind]) % {"name": self.popup}
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def detail_text(self) -> str:
        """``detail`` in words: the reason for unsubscribing as the person chose it, a
        conversion's goal and the method that measured it."""
        if self.kind == EventKind.UNSUBSCRIBED:
            return reason_text(self.detail)
        if self.kind in CONVERSIONS:
            return str(_("%(goal)s · measured by: %(method)s")) % {
                "goal": self.detail,
                "method": conversions.method_label(self.method),
            }
        return self.detail

    @property
    def cause_label(self) -> str:
        return str(BounceCause(self.cause).label) if self.cause else ""

    @property
    def is_machine(self) -> bool:
        return bool(self.machine)

    @property
    def machine_label(self) -> str:
        return str(agents.MACHINE_REASONS.get(self.machine, self.machine))

    @property
    def status_label(self) -> str:
        if self.skip_reason:
            return _("Skipped: %(reason)s") % {"reason": SkipReason(self.skip_reason).label}
        return str(MessageStatus(self.status).label) if self.status else ""


def _mailing(prefix: str) -> dict[str, F]:
    """The campaign and subject of a message, as ``values()`` aliases; ``prefix`` leads from
    the queried model to the mailing."""
    return {
        "campaign": F(f"{prefix}__campaign__name"),
        "campaign_code": F(f"{prefix}__campaign__code"),
        "subject": F(f"{prefix}__subject"),
    }


def _about(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "campaign": row["campaign"] or "",
        "campaign_code": row["campaign_code"],
        "subject": row["subject"] or "",
    }


def _messages(contact: Contact) -> dict[int, dict[str, Any]]:
    rows = Message.objects.filter(contact=contact).values(
        "id",
        "status",
        "skip_reason",
        "sent_at",
        "send_after",
        mailing_code=F("mailing__code"),
        links=F("mailing__links"),
        **_mailing("mailing"),
    )
    return {row["id"]: row for row in rows}


def _message_entries(messages: dict[int, dict[str, Any]]) -> list[Entry]:
    return [
        # A message not sent (yet) is placed when it was due.
        Entry(
            at=row["sent_at"] or row["send_after"],
            kind="message",
            status=row["status"],
            skip_reason=row["skip_reason"],
            **_about(row),
        )
        for row in messages.values()
    ]


def _link(message: dict[str, Any], position: int | None) -> str:
    links = message["links"] or []
    return links[position] if position is not None and 0 <= position < len(links) else ""


def _event_entries(
    contact: Contact, messages: dict[int, dict[str, Any]], audited: set[str]
) -> list[Entry]:
    rows = Event.objects.filter(message__contact=contact).values(
        "message_id", "kind", "at", "link", "detail", "machine", "client", "device", "method"
    )
    entries = []
    for row in rows:
        message = messages[row["message_id"]]
        if row["kind"] == EventKind.UNSUBSCRIBED and str(message["mailing_code"]) in audited:
            continue  # The audit log's entry for the same unsubscribe says more (how).
        detail = _link(message, row["link"]) if row["kind"] == EventKind.CLICKED else row["detail"]
        entries.append(
            Entry(
                at=row["at"],
                kind=row["kind"],
                detail=detail,
                machine=row["machine"],
                client=row["client"],
                device=row["device"],
                method=row["method"],
                **_about(message),
            )
        )
    return entries


def _bounce_entries(contact: Contact) -> list[Entry]:
    # A notice that names only an address (no message) belongs to the contact too.
    mine = Q(message__contact=contact) | Q(message__isnull=True, email=contact.email)
    rows = Bounce.objects.filter(mine).values(
        "kind", "at", "cause", "reason", **_mailing("message__mailing")
    )
    return [
        Entry(
            at=row["at"],
            kind=row["kind"],
            # A complaint's cause would only repeat its kind.
            cause="" if row["kind"] == BounceKind.COMPLAINT else row["cause"],
            detail=row["reason"],
            **_about(row),
        )
        for row in rows
    ]


def _audit_rows(contact: Contact) -> list[dict[str, Any]]:
    # The audit log names the address, not the contact: entries from before this contact
    # was created belong to an earlier contact with the same address, since deleted.
    return list(
        AuditEntry.objects.filter(
            action__in=[AuditAction.UNSUBSCRIBE, AuditAction.RESUBSCRIBE],
            target=contact.email,
            at__gte=contact.created_at,
        ).values("action", "at", "detail")
    )


def _audit_entries(rows: list[dict[str, Any]], messages: dict[int, dict[str, Any]]) -> list[Entry]:
    by_mailing = {str(row["mailing_code"]): row for row in messages.values()}
    entries = []
    for row in rows:
        detail = row["detail"] or {}
        message = by_mailing.get(str(detail.get("mailing", "")))
        about = _about(message) if message else {}
        if row["action"] == AuditAction.UNSUBSCRIBE:
            entries.append(
                Entry(
                    at=row["at"],
                    kind=EventKind.UNSUBSCRIBED,
                    detail=detail.get("reason", ""),
                    **about,
                )
            )
        else:
            entries.append(Entry(at=row["at"], kind="resubscribed", **about))
    return entries


def _popup_entries(contact: Contact) -> list[Entry]:
    rows = PopupEvent.objects.filter(contact=contact, machine="").values(
        "kind",
        "at",
        "page",
        "device",
        "detail",
        "method",
        popup_name=F("popup__name"),
        popup_code=F("popup__code"),
    )
    return [
        Entry(
            at=row["at"],
            kind=POPUP_PREFIX + row["kind"],
            # A conversion's goal; for the rest, the classroom page where it happened.
            detail=row["detail"] or row["page"],
            device=row["device"],
            method=row["method"],
            popup=row["popup_name"],
            popup_code=row["popup_code"],
        )
        for row in rows
    ]


def _workflow_entries(contact: Contact) -> list[Entry]:
    rows = list(
        StepLog.objects.filter(contact=contact).values(
            "workflow_id", "node", "outcome", "at", "detail"
        )
    )
    workflows = Workflow.objects.filter(pk__in={row["workflow_id"] for row in rows})
    graphs = {
        w.pk: (w, {n.get("id"): n.get("type") for n in w.graph.get("nodes", [])}) for w in workflows
    }
    entries = []
    for row in rows:
        workflow, types = graphs[row["workflow_id"]]
        step = f"{nodes.type_label(types.get(row['node'], ''))} ({row['node']})"
        outcome = (
            Outcome(row["outcome"]).label if row["outcome"] in Outcome.values else row["outcome"]
        )
        detail = f"{step}: {outcome}" + (f" — {row['detail']}" if row["detail"] else "")
        entries.append(
            Entry(
                at=row["at"],
                kind=WORKFLOW,
                detail=detail,
                workflow=workflow.name,
                workflow_code=workflow.code,
            )
        )
    return entries


def _sms_entries(contact: Contact) -> list[Entry]:
    return [
        Entry(
            at=choice.at,
            kind="sms_opted_out" if choice.is_opted_out else "sms_opted_in",
            detail=choice.how + (f" — {choice.note}" if choice.note else ""),
        )
        for choice in sms_opt_out.history(contact)
    ]


def history(contact: Contact) -> list[Entry]:
    """Everything that happened between Pregón and ``contact``, newest first."""
    messages = _messages(contact)
    audit_rows = _audit_rows(contact)
    audited = {
        str((row["detail"] or {}).get("mailing", ""))
        for row in audit_rows
        if row["action"] == AuditAction.UNSUBSCRIBE
    }
    entries = [
        *_message_entries(messages),
        *_event_entries(contact, messages, audited),
        *_bounce_entries(contact),
        *_audit_entries(audit_rows, messages),
        *_popup_entries(contact),
        *_workflow_entries(contact),
        *_sms_entries(contact),
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
