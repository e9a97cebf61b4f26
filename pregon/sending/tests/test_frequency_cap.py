"""The frequency cap and the other skips at send time (engine.send_batch): at most N marketing
emails per contact in any 7 days, campaigns and workflows together; transactional email is
exempt and not counted; paused and pending contacts get no marketing email. Each skip keeps
its reason and is not billed."""

import datetime
import uuid

import time_machine
from django.utils import timezone

from pregon.automation import entry, lifecycle
from pregon.automation.models import Outcome, StepLog, Workflow
from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact, MailingList, Status
from pregon.sending import transactional
from pregon.sending.models import (
    Message,
    MessageStatus,
    QuotaDebit,
    SendingLimits,
    SkipReason,
)
from pregon.testing import BaseTestCase
from pregon.testing.automation import chain, email_node, node, run_all
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server


def cap(count: int) -> None:
    SendingLimits.objects.update_or_create(pk=1, defaults={"frequency_cap": count})


class FrequencyCapTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.list = contacts_on_a_list(3)
        self.mailbox = Mailbox()
        self.enterContext(smtp_server(self.mailbox))

    def campaign(self) -> Campaign:
        campaign = campaign_to(self.list)
        scheduling.start_due_campaigns()
        send_all()
        campaign.refresh_from_db()
        return campaign

    def skipped(self, campaign: Campaign) -> dict[str, str]:
        return dict(
            Message.objects.filter(mailing=campaign.mailing, status=MessageStatus.SKIPPED)
            .order_by("email")
            .values_list("email", "skip_reason")
        )

    def billed(self) -> int:
        return sum(QuotaDebit.objects.values_list("count", flat=True))

    def test_a_capped_message_is_skipped_with_its_reason_and_not_billed(self) -> None:
        cap(2)
        self.campaign()
        self.campaign()
        third = self.campaign()
        self.assertEqual(len(self.mailbox.received), 6)
        self.assertEqual(
            self.skipped(third),
            {
                "persona0000@example.pe": SkipReason.FREQUENCY_CAP,
                "persona0001@example.pe": SkipReason.FREQUENCY_CAP,
                "persona0002@example.pe": SkipReason.FREQUENCY_CAP,
            },
        )
        self.assertEqual(self.billed(), 6)

    def test_the_week_rolls(self) -> None:
        cap(1)
        with time_machine.travel(timezone.now() - datetime.timedelta(days=8)):
            self.campaign()
        self.campaign()
        latest = self.campaign()
        # Eight days ago is out of the week; the one sent today is in it.
        self.assertEqual(len(self.mailbox.received), 6)
        self.assertEqual(set(self.skipped(latest).values()), {SkipReason.FREQUENCY_CAP})

    def test_no_cap_by_default(self) -> None:
        for _round in range(3):
            self.campaign()
        self.assertEqual(len(self.mailbox.received), 9)
        self.assertFalse(Message.objects.filter(status=MessageStatus.SKIPPED).exists())

    def test_one_batch_keeps_to_the_cap_per_contact(self) -> None:
        cap(1)
        first = campaign_to(self.list)
        second = campaign_to(self.list)
        scheduling.start_due_campaigns()
        send_all()
        self.assertEqual(len(self.mailbox.received), 3)
        first.refresh_from_db()
        second.refresh_from_db()
        self.assertEqual(len(self.skipped(first)) + len(self.skipped(second)), 3)

    def test_messages_another_sender_holds_count(self) -> None:
        # Another sender process holds a message to persona0000 at this moment: it may be
        # on its way, so this one would be over the cap.
        cap(1)
        other = campaign_to(self.list)
        scheduling.start_due_campaigns()
        other.refresh_from_db()
        Message.objects.filter(mailing=other.mailing, email="persona0000@example.pe").update(
            status=MessageStatus.SENDING,
            lease=uuid.uuid4(),
            leased_until=timezone.now() + datetime.timedelta(minutes=2),
        )
        Message.objects.filter(mailing=other.mailing).exclude(status=MessageStatus.SENDING).update(
            status=MessageStatus.FAILED
        )
        mine = self.campaign()
        self.assertEqual(self.skipped(mine), {"persona0000@example.pe": SkipReason.FREQUENCY_CAP})

    def test_workflows_and_campaigns_share_the_cap(self) -> None:
        cap(1)
        ana = Contact.objects.get(email="persona0000@example.pe")
        workflow = Workflow.objects.create(
            name="Bienvenida", graph=chain(node("n1", "trigger", kind="api"), email_node("n2"))
        )
        lifecycle.activate(workflow)
        entry.enrol_contact(workflow, ana)
        run_all()
        send_all()
        campaign = self.campaign()
        self.assertEqual(self.skipped(campaign), {ana.email: SkipReason.FREQUENCY_CAP})
        # And the other way round: the workflow's email after a campaign's.
        beto = Contact.objects.get(email="persona0001@example.pe")
        entry.enrol_contact(workflow, beto)
        run_all()
        send_all()
        workflow_message = Message.objects.get(contact=beto, mailing__campaign__isnull=True)
        self.assertEqual(workflow_message.skip_reason, SkipReason.FREQUENCY_CAP)
        self.assertEqual(self.billed(), 3)

    def test_transactional_email_is_exempt_and_not_counted(self) -> None:
        cap(1)
        ana = Contact.objects.get(email="persona0000@example.pe")
        campaign = campaign_to(self.list)
        for key in ("a", "b"):
            transactional.send(
                ana,
                subject="Su constancia",
                template=campaign.template,
                sender=campaign.sender,
                key=key,
            )
        send_all()
        scheduling.start_due_campaigns()
        send_all()
        self.assertEqual(self.mailbox.count()[ana.email], 3)
        self.assertFalse(Message.objects.filter(status=MessageStatus.SKIPPED).exists())

    def test_paused_and_pending_contacts_get_no_marketing_email(self) -> None:
        campaign = campaign_to(self.list)
        scheduling.start_due_campaigns()
        Contact.objects.filter(email="persona0000@example.pe").update(
            paused_until=timezone.now() + datetime.timedelta(days=30)
        )
        Contact.objects.filter(email="persona0001@example.pe").update(
            paused_until=timezone.now() - datetime.timedelta(days=1)
        )
        Contact.objects.filter(email="persona0002@example.pe").update(status=Status.PENDING)
        send_all()
        campaign.refresh_from_db()
        self.assertEqual(
            self.skipped(campaign),
            {
                "persona0000@example.pe": SkipReason.PAUSED,
                "persona0002@example.pe": SkipReason.LEFT,
            },
        )
        # A pause that ended is no pause.
        self.assertEqual(list(self.mailbox.count()), ["persona0001@example.pe"])
        self.assertEqual(self.billed(), 1)


class WorkflowCapTestCase(BaseTestCase):
    def test_a_workflows_own_cap_does_not_count_transactional_email(self) -> None:
        ana = Contact.objects.create(email="ana@example.pe", first_name="Ana")
        email = email_node("n2")
        campaign = campaign_to(MailingList.objects.create(name="Vacía"))
        transactional.send(
            ana, subject="Confirme", template=campaign.template, sender=campaign.sender, key="k"
        )
        workflow = Workflow.objects.create(
            name="Bienvenida",
            graph=chain(node("n1", "trigger", kind="api"), email),
            cap_messages=1,
            cap_days=7,
        )
        lifecycle.activate(workflow)
        entry.enrol_contact(workflow, ana)
        run_all()
        self.assertEqual(StepLog.objects.get(node="n2").outcome, Outcome.SENT)
        self.assertEqual(Message.objects.filter(contact=ana).count(), 2)
