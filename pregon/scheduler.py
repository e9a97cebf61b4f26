"""The periodic tick that `pregon runscheduler` runs every few seconds.

Work that must happen without a user (recovering work whose worker died, starting
scheduled campaigns, following their progress) is called from here. This module sits at
the top of the project, beside urls.py, so it may call every app.
"""

import logging
from collections.abc import Callable

from django.db import connections

from pregon.automation import engine as automation_engine
from pregon.automation import mailings as automation_mailings
from pregon.automation import triggers as automation_triggers
from pregon.campaigns import ab, scheduling
from pregon.contacts import imports
from pregon.domains import records
from pregon.forms import confirmation as form_confirmation
from pregon.moodle import sync as moodle_sync
from pregon.popups import spool as popup_spool
from pregon.sending import engine, last_sent, quota
from pregon.sending.sms import quota as sms_quota
from pregon.sending.sms import sender as sms_sender
from pregon.tracking import mailbox, spool
from pregon.webhooks import tasks as webhook_tasks

log = logging.getLogger(__name__)


def _replace_broken_connections() -> None:
    """Close a connection the database dropped (it restarted), so that the next query
    opens a new one: without this, every job of every later tick would fail on the dead one.
    Not inside a transaction (a test's), which closing would break."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def tick(leading: Callable[[], bool] = lambda: True) -> bool:
    """Run each periodic job once; one job failing does not stop the others.

    ``leading`` is asked before each job (runscheduler's leader election): when it says
    no, this process lost the lock and another scheduler may be ticking, so the tick stops
    there. Returns whether every job had its turn.
    """
    _replace_broken_connections()
    for job in (
        # Opens and clicks the web processes spooled, into the database.
        spool.flush,
        # Views, closes and clicks of the classroom's pop-ups, likewise.
        popup_spool.flush,
        imports.reap_stale_imports,
        # The plan's monthly grants: on a fresh install, and when the plan is made longer.
        quota.ensure_plan,
        sms_quota.ensure_plan,
        engine.reclaim_expired_leases,
        # Contacts' last email, which the segment rule "received an email" reads.
        last_sent.roll_up,
        sms_sender.reclaim_expired_leases,
        scheduling.start_due_campaigns,
        # A/B tests whose time is up: the winner goes to the rest of the audience.
        ab.decide_due,
        scheduling.follow_mailings,
        # Workflows: contacts whose worker died, date fields and segments that enrol, and
        # emails the quota held back.
        automation_engine.reclaim_expired_leases,
        automation_triggers.check_scheduled,
        automation_mailings.resume_after_quota,
        # Sending domains' DNS records, each verified again a day after its last check.
        records.recheck_domains,
        # Bounces, complaints and unsubscribes by mail, from each bounce mailbox in turn.
        mailbox.poll_due,
        # Signup forms' double opt-in: the one reminder, then the expiry of what nobody confirmed.
        form_confirmation.remind_and_expire,
        # Outgoing webhooks: recover dead workers' deliveries, queue the delivery task.
        webhook_tasks.kick,
        # The classroom: fail syncs whose worker died, queue the scheduled one when due.
        moodle_sync.run_due,
    ):
        if not leading():
            return False
        try:
            job()
        except Exception:
            log.exception("periodic job %s failed", job.__name__)
    return True
