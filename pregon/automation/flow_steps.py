"""The steps that move a contact along without touching anything: the trigger it entered
by, waits and branches."""

from pregon.automation import timing
from pregon.automation.models import Enrolment, Outcome
from pregon.automation.step import Run, Step, engaged
from pregon.contacts import segments
from pregon.contacts.models import Contact


def trigger(run: Run, node: dict, enrolments: list[Enrolment]) -> dict[int, Step]:
    return {enrolment.pk: Step(Outcome.ENTERED) for enrolment in enrolments}


def wait(run: Run, node: dict, enrolments: list[Enrolment]) -> dict[int, Step]:
    """A wait begins (the contact stays until its end) or ends (the contact goes on). A
    wait until an event ends early, by "yes", when the event happens (``triggers``), or
    at once if it happened already; at its end without the event it goes on by "no"."""
    config = node["config"]
    for_event = config.get("mode") == "until_event"
    happened = engaged(run, config["event"], enrolments) if for_event else set()
    steps = {}
    for enrolment in enrolments:
        if enrolment.pk in happened:
            steps[enrolment.pk] = Step(Outcome.YES, port="yes")
            continue
        if enrolment.waiting:
            steps[enrolment.pk] = Step(
                Outcome.NO if for_event else Outcome.DONE, port=_end(for_event)
            )
            continue
        until = timing.wait_until(config, run.now)
        if until <= run.now:
            steps[enrolment.pk] = Step(Outcome.DONE, port=_end(for_event))
        else:
            steps[enrolment.pk] = Step(Outcome.WAITING, port=None, due_at=until, waiting=True)
    return steps


def _end(for_event: bool) -> str:
    return "no" if for_event else "next"


def branch(run: Run, node: dict, enrolments: list[Enrolment]) -> dict[int, Step]:
    config = node["config"]
    if config["kind"] == "engagement":
        yes = engaged(run, config["event"], enrolments)
    else:
        contact_ids = [enrolment.contact_id for enrolment in enrolments]
        matching = set(
            segments.filter_contacts(
                config.get("rules"), Contact.objects.filter(pk__in=contact_ids)
            ).values_list("pk", flat=True)
        )
        yes = {enrolment.pk for enrolment in enrolments if enrolment.contact_id in matching}
    return {
        enrolment.pk: Step(Outcome.YES, port="yes")
        if enrolment.pk in yes
        else Step(Outcome.NO, port="no")
        for enrolment in enrolments
    }
