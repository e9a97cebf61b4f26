"""`pregon runautomation` processes on one workflow: killed with SIGKILL five times during
the run and restarted, no step is lost or done twice; two at once advance no contact twice.
Real processes and the real database (a TransactionTestCase: the processes must see the
rows)."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

from django.db import transaction
from django.db.models import Count
from django.test import TransactionTestCase

from pregon.automation import engine, lifecycle
from pregon.automation.models import (
    ACTIVE_STATUSES,
    Enrolment,
    EnrolmentStatus,
    StepLog,
    Workflow,
)
from pregon.contacts.models import Contact, MailingList
from pregon.lib import events
from pregon.sending.models import Message
from pregon.testing.automation import edge, email_node, node
from pregon.testing.browser import database_url

CONTACTS = 1500
BATCH = 10
STEPS = 5


def start_worker() -> subprocess.Popen:
    env = {**os.environ, "PREGON_DATABASE_URL": database_url()}
    command = [sys.executable, "-m", "pregon", "runautomation", "--idle", "0.05"]
    return subprocess.Popen([*command, "--batch", str(BATCH)], env=env)  # noqa: S603


def wait_until(condition: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def left() -> int:
    return Enrolment.objects.filter(status__in=ACTIVE_STATUSES).count()


class RunAutomationTestCase(TransactionTestCase):
    def setUp(self) -> None:
        course = MailingList.objects.create(name="Curso")
        Contact.objects.bulk_create(
            Contact(email=f"persona{n}@example.pe", first_name=f"Nombre{n}")
            for n in range(CONTACTS)
        )
        graph = {
            "nodes": [
                node("n1", "trigger", kind="list_joined", list=str(course.code)),
                email_node("n2"),
                node("n3", "wait", mode="duration", minutes=0),
                node("n4", "branch", kind="engagement", event="opened"),
                node("n5", "tag", action="add", tag="sin-abrir"),
                node("n6", "tag", action="add", tag="abrió"),
            ],
            "edges": [
                edge("n1", "n2"),
                edge("n2", "n3"),
                edge("n3", "n4"),
                edge("n4", "n5", "no"),
                edge("n4", "n6", "yes"),
            ],
        }
        workflow = Workflow.objects.create(name="Bienvenida", graph=graph)
        lifecycle.activate(workflow)
        with transaction.atomic():
            events.emit(
                events.LIST_JOINED,
                [
                    {"contact": pk, "list": course.pk}
                    for pk in Contact.objects.values_list("pk", flat=True)
                ],
            )

    def assertEachStepOnce(self) -> None:
        self.assertEqual(StepLog.objects.count(), STEPS * CONTACTS)
        per_enrolment = StepLog.objects.values("enrolment", "node").annotate(n=Count("pk"))
        self.assertEqual({row["n"] for row in per_enrolment}, {1})
        self.assertEqual(
            Enrolment.objects.filter(status=EnrolmentStatus.COMPLETED).count(), CONTACTS
        )
        messages = Message.objects.values("contact").annotate(n=Count("pk"))
        self.assertEqual(len(messages), CONTACTS)
        self.assertEqual({row["n"] for row in messages}, {1})
        self.assertEqual(Contact.objects.filter(tags__name="sin-abrir").count(), CONTACTS)

    def test_five_kills_lose_no_step_and_double_none(self) -> None:
        kills = reclaimed = 0
        for kill in range(1, 6):
            worker = start_worker()
            # Killed while it works: after it moved some more contacts on.
            target = CONTACTS * kill // 7
            try:
                wait_until(lambda target=target: CONTACTS - left() >= target)
                os.kill(worker.pid, signal.SIGKILL)
            finally:
                worker.wait(timeout=30)
            kills += 1
            # Its lease runs out (here: is made to), and the scheduler's reclaim puts its
            # batch back for the next worker.
            Enrolment.objects.filter(status=EnrolmentStatus.RUNNING).update(
                leased_until="2000-01-01T00:00:00Z"
            )
            reclaimed += engine.reclaim_expired_leases()
        self.assertEqual(kills, 5)
        # The kills caught workers holding batches (a worker holds one nearly all the time).
        self.assertGreater(reclaimed, 0)
        self.assertGreater(left(), 0)
        worker = start_worker()
        try:
            wait_until(lambda: left() == 0)
        finally:
            worker.send_signal(signal.SIGTERM)
            self.assertEqual(worker.wait(timeout=30), 0)
        self.assertEachStepOnce()

    def test_two_workers_advance_no_contact_twice(self) -> None:
        workers = [start_worker(), start_worker()]
        try:
            wait_until(lambda: left() == 0)
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                self.assertEqual(worker.wait(timeout=30), 0)
        self.assertEachStepOnce()
