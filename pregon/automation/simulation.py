"""What would happen to one contact in a workflow, step by step, writing nothing: the
builder's "simulate" before activation."""

from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.automation import entry, timing
from pregon.automation import graph as graphs
from pregon.automation.models import Enrolment, Workflow
from pregon.automation.step import Run, engaged
from pregon.contacts import segments
from pregon.contacts.models import Contact, Status, Suppression
from pregon.sending import sms

# A path longer than this is a loop through waits: the simulation stops and says so.
LONGEST = 50


def simulate(workflow: Workflow, contact: Contact) -> list[dict]:
    """The steps ``contact`` would take from the workflow's first trigger, each as
    {"node", "label", "text"}; empty if the entry rule keeps the contact out."""
    graph = graphs.parse(workflow.graph)
    triggers = graph.triggers()
    if not triggers or _kept_out(workflow, contact):
        return []
    run = Run(workflow, graph, timezone.now())
    # Not saved: it only carries what the steps ask (the contact, when it entered).
    enrolment = Enrolment(workflow=workflow, contact=contact, entered_at=run.now, pk=0)
    steps, node = [], triggers[0]
    while node is not None and len(steps) < LONGEST:
        text, port = _describe(run, node, enrolment)
        steps.append({"node": node["id"], "label": graphs.label(node), "text": text})
        target = graph.next(node["id"], port)
        node = graph.node(target) if target else None
    if node is not None:
        steps.append({"node": node["id"], "label": graphs.label(node), "text": _("and so on.")})
    return steps


def _kept_out(workflow: Workflow, contact: Contact) -> bool:
    return bool(entry.may_not_enter(workflow, {contact.pk}, timezone.now()))


def _describe(run: Run, node: dict, enrolment: Enrolment) -> tuple[str, str]:
    """What ``node`` would do, and the exit it would take."""
    config, contact, kind = node["config"], enrolment.contact, node["type"]
    if kind == "trigger":
        return _("Enters the workflow."), "next"
    if kind in ("email", "sms"):
        return _message(run, kind, config, contact), "next"
    if kind == "wait":
        if config.get("mode") == "until_event":
            yes = bool(engaged(run, config["event"], [enrolment]))
            text = _("Waits up to %(days)s days for the event; without it, goes on by “no”.")
            return text % {"days": config["within_days"]}, "yes" if yes else "no"
        until = timezone.localtime(timing.wait_until(config, run.now))
        return _("Waits until %(at)s.") % {"at": until.strftime("%d/%m/%Y %H:%M")}, "next"
    if kind == "branch":
        if config["kind"] == "engagement":
            yes = bool(engaged(run, config["event"], [enrolment]))
        else:
            yes = segments.filter_contacts(
                config.get("rules"), Contact.objects.filter(pk=contact.pk)
            ).exists()
        return (_("Goes on by “yes”.") if yes else _("Goes on by “no”.")), "yes" if yes else "no"
    texts = {
        "tag": _("Tag “%(value)s”: %(action)s."),
        "list": _("List: %(action)s."),
        "field": _("Field “%(field)s” set to “%(value)s”."),
        "webhook": _("Calls %(url)s."),
        "notify": _("Staff are told by email."),
    }
    actions = {"add": _("added"), "remove": _("removed")}
    values = {
        "value": config.get("tag", config.get("value", "")),
        "action": actions.get(config.get("action"), ""),
        "field": config.get("field", ""),
        "url": config.get("url", ""),
    }
    return texts[kind] % values, "next"


def _message(run: Run, kind: str, config: dict, contact: Contact) -> str:
    quiet = timing.quiet_until(run.workflow, run.now)
    later = (
        _(" (after the quiet hours, at %(at)s)")
        % {"at": timezone.localtime(quiet).strftime("%d/%m/%Y %H:%M")}
        if quiet
        else ""
    )
    if kind == "sms":
        if contact.sms_opted_out_at is not None or not sms.reachable(contact.phone):
            return _("Gets no SMS: no valid phone, or opted out of SMS.")
        return _("Gets an SMS at %(phone)s%(later)s.") % {"phone": contact.phone, "later": later}
    if (
        contact.status != Status.SUBSCRIBED
        or Suppression.objects.filter(email=contact.email).exists()
    ):
        return _("Gets no email: unsubscribed or suppressed.")
    return _("Gets the email “%(subject)s”%(later)s.") % {
        "subject": config.get("subject", ""),
        "later": later,
    }
