"""The steps that reach someone: an email, an SMS, a webhook call, a notice to staff.

What they create is written in the engine's transaction with the contact's move, so a
worker killed at any point leaves either both or neither: an email is a ``Message`` of the
node's mailing (unique per mailing and contact), an SMS and a webhook call carry the
idempotency key ``wf<workflow>:e<enrolment>:n<node>`` (``:v<n>`` on a later visit through a
loop), a notice is a queued task.
"""

import datetime

from django.utils.translation import gettext as _

from pregon.automation import mailings, tasks, timing
from pregon.automation.models import Enrolment, Outcome
from pregon.automation.step import Run, Step
from pregon.contacts.models import Status, Suppression
from pregon.sending import frequency, sms
from pregon.sending.models import Message, MessageStatus
from pregon.webhooks import hosts, outbox


def _held(run: Run, enrolments: list[Enrolment]) -> tuple[dict[int, Step], list[Enrolment]]:
    """The steps held back (quiet hours, or the frequency cap reached) and the rest."""
    quiet = timing.quiet_until(run.workflow, run.now)
    if quiet is not None:
        wait = Step(Outcome.WAITING, port=None, due_at=quiet, detail=_("quiet hours"))
        return {enrolment.pk: wait for enrolment in enrolments}, []
    cap = run.workflow.cap_messages
    if not cap:
        return {}, enrolments
    since = run.now - datetime.timedelta(days=run.workflow.cap_days)
    counts = frequency.recent_counts([e.contact_id for e in enrolments], since)
    held = {
        enrolment.pk: Step(Outcome.SKIPPED, detail=_("frequency cap reached"))
        for enrolment in enrolments
        if counts[enrolment.contact_id] >= cap
    }
    return held, [enrolment for enrolment in enrolments if enrolment.pk not in held]


def email(run: Run, node: dict, enrolments: list[Enrolment]) -> dict[int, Step]:
    steps, rest = _held(run, enrolments)
    suppressed = set(
        Suppression.objects.filter(email__in=[e.contact.email for e in rest]).values_list(
            "email", flat=True
        )
    )
    unwanted = _("unsubscribed or suppressed")
    for enrolment in rest:
        contact = enrolment.contact
        if contact.status != Status.SUBSCRIBED or contact.email in suppressed:
            steps[enrolment.pk] = Step(Outcome.SKIPPED, detail=unwanted)
    sending = [enrolment for enrolment in rest if enrolment.pk not in steps]
    if sending:
        _queue(run, node["id"], sending)
        subject = node["config"]["subject"][:200]
        steps.update({e.pk: Step(Outcome.SENT, detail=subject) for e in sending})
    return steps


def _queue(run: Run, node_id: str, enrolments: list[Enrolment]) -> None:
    """One message per contact, in the node's mailing; a contact who had one from it
    already (entered again) gets the next round's."""
    todo = list(enrolments)
    node_mailing = mailings.current(run.workflow, node_id)
    while todo:
        had = set(
            Message.objects.filter(
                mailing_id=node_mailing.mailing_id, contact_id__in=[e.contact_id for e in todo]
            ).values_list("contact_id", flat=True)
        )
        Message.objects.bulk_create(
            Message(
                mailing_id=node_mailing.mailing_id,
                contact_id=e.contact_id,
                email=e.contact.email,
                status=MessageStatus.QUEUED,
                send_after=run.now,
            )
            for e in todo
            if e.contact_id not in had
        )
        todo = [e for e in todo if e.contact_id in had]
        if todo:
            node_mailing = mailings.another_round(run.workflow, node_id)


def text_message(run: Run, node: dict, enrolments: list[Enrolment]) -> dict[int, Step]:
    steps, rest = _held(run, enrolments)
    for enrolment in rest:
        queued = sms.enqueue(
            enrolment.contact,
            node["config"]["text"],
            run.key(enrolment, node),
            workflow_id=run.workflow.pk,
        )
        steps[enrolment.pk] = (
            Step(Outcome.SENT, detail=queued.phone)
            if queued is not None
            else Step(Outcome.SKIPPED, detail=_("no valid phone, or opted out of SMS"))
        )
    return steps


def webhook(run: Run, node: dict, enrolments: list[Enrolment]) -> dict[int, Step]:
    """Queue the call; it is retried with backoff, and its delivery shows how it ended. A
    refused address fails the step, and the contact goes on: the workflow does not stop."""
    steps = {}
    for enrolment in enrolments:
        contact = enrolment.contact
        payload = {
            "workflow": str(run.workflow.code),
            "node": node["id"],
            "contact": {"code": str(contact.code), "email": contact.email},
            "at": run.now.isoformat(),
        }
        try:
            outbox.call(node["config"]["url"], payload, run.key(enrolment, node))
        except hosts.Refused as error:
            steps[enrolment.pk] = Step(Outcome.FAILED, detail=str(error)[:500])
            continue
        steps[enrolment.pk] = Step(Outcome.SENT, detail=node["config"]["url"][:500])
    return steps


def notify(run: Run, node: dict, enrolments: list[Enrolment]) -> dict[int, Step]:
    config = node["config"]
    for enrolment in enrolments:
        tasks.notify_staff.enqueue(
            list(config["emails"]), config["subject"], config.get("text", ""), enrolment.contact_id
        )
    return {enrolment.pk: Step(Outcome.DONE) for enrolment in enrolments}
