""" "Resend to those who did not open", through the screens and real SMTP servers: the form
says how many each choice about machines' opens would reach, the resend is planned N days
after the campaign started with its new subject, is scheduled through the usual
confirmation, and when it starts it goes only to those who have not opened by then."""

import datetime
import html
import re
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from django.utils import timezone

from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign, CampaignStatus, Channel, ResendKind
from pregon.contacts.models import Contact, Status
from pregon.sending.models import Bounce, BounceKind, BounceSource, Message, MessageStatus
from pregon.testing import BaseTestCase, drafts
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server
from pregon.tracking.models import Event, EventKind

HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
LIMA = ZoneInfo("America/Lima")


def address(n: int) -> str:
    return f"persona{n:04d}@example.pe"


class ResendNonOpenersTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        self.first = Mailbox()
        with smtp_server(self.first):
            self.parent = campaign_to(contacts_on_a_list(7))
            scheduling.start_due_campaigns()
            send_all()
            scheduling.follow_mailings()
        self.parent.refresh_from_db()
        # 0 opened; 1 only clicked (a click is an open); 2 was opened only by Apple's proxy;
        # 3 soft-bounced (it did not arrive, so it was not "not opened"); 4, 5 and 6 did
        # nothing.
        self.open(0, EventKind.OPENED)
        self.open(1, EventKind.CLICKED)
        self.open(2, EventKind.OPENED, machine="apple_mpp")
        Bounce.objects.create(
            kind=BounceKind.SOFT,
            source=BounceSource.MAILBOX,
            email=address(3),
            message=self.message(3),
            reason="4.2.2 Mailbox full",
        )

    def message(self, n: int) -> Message:
        return Message.objects.get(mailing=self.parent.mailing, email=address(n))

    def open(self, n: int, kind: str, machine: str = "") -> None:
        Event.objects.create(kind=kind, message=self.message(n), machine=machine)

    def url(self, name: str, campaign: Campaign) -> str:
        return reverse(f"campaigns:{name}", args=[campaign.code])

    def create(self, **data: object) -> Campaign:
        values = {"days": 3, "subject": "", "machines": "people", **data}
        response = self.client.post(self.url("resend_non_openers", self.parent), values)
        resend = Campaign.objects.get(resend_of=self.parent)
        self.assertRedirects(response, self.url("detail", resend))
        return resend

    def test_the_form_says_how_many_each_choice_reaches_today(self) -> None:
        self.assertIn(
            self.url("resend_non_openers", self.parent),
            self.client.get(self.url("detail", self.parent)).content.decode(),
        )
        page = self.client.get(self.url("resend_non_openers", self.parent))
        self.assertContains(page, 'data-count="people">4<')  # 2, 4, 5 and 6.
        self.assertContains(page, 'data-count="every">3<')  # 4, 5 and 6.
        # As in any campaign, those who unsubscribed since are left out.
        Contact.objects.filter(email=address(6)).update(status=Status.UNSUBSCRIBED)
        page = self.client.get(self.url("resend_non_openers", self.parent))
        self.assertContains(page, 'data-count="people">3<')
        self.assertContains(page, 'data-count="every">2<')
        self.assertContains(page, "Only people&#x27;s opens and clicks count")
        self.assertContains(page, "Machines&#x27; opens and clicks count too")

    def test_a_resend_reaches_only_those_who_have_not_opened_when_it_starts(self) -> None:
        resend = self.create(subject="¿Lo viste, {{ nombre }}?")
        planned = self.parent.started_at + datetime.timedelta(days=3)
        self.assertEqual(
            (resend.status, resend.resend_kind, resend.resend_days, resend.subject),
            (CampaignStatus.DRAFT, ResendKind.NON_OPENERS, 3, "¿Lo viste, {{ nombre }}?"),
        )
        self.assertIsNone(resend.scheduled_at)
        self.assertFalse(resend.resend_counts_machines)
        self.assertEqual(resend.template, self.parent.template)
        self.assertEqual(list(resend.include_lists.all()), list(self.parent.include_lists.all()))

        # Its page says whom it goes to, and that machines' opens do not count; it offers to
        # schedule it for the planned time, through the usual confirmation.
        page = self.client.get(self.url("detail", resend))
        self.assertContains(page, "A resend of")
        self.assertContains(page, "a contact whose only open was a machine")
        self.assertContains(page, 'data-count="4"')  # Recipients now.
        at = timezone.localtime(planned, LIMA).strftime("%Y-%m-%dT%H:%M")
        self.assertContains(page, f'name="at" value="{at}"')
        confirm = self.client.post(self.url("schedule", resend), {"at": at})
        self.assertContains(confirm, 'id="confirm-send"')
        hidden = {name: html.unescape(value) for name, value in HIDDEN.findall(confirm.text)}
        hidden.pop("csrfmiddlewaretoken", None)
        self.client.post(self.url("schedule", resend), hidden)
        resend.refresh_from_db()
        self.assertEqual(resend.status, CampaignStatus.SCHEDULED)
        self.assertEqual(resend.scheduled_at, planned.replace(second=0, microsecond=0))

        # Meanwhile 4 opens it: when the resend starts, 4 is no longer a non-opener.
        self.open(4, EventKind.OPENED)
        second = Mailbox()
        with smtp_server(second):
            scheduling.start_due_campaigns()
            self.assertEqual(Campaign.objects.get(pk=resend.pk).status, CampaignStatus.SCHEDULED)
            with time_machine.travel(planned + datetime.timedelta(minutes=1)):
                scheduling.start_due_campaigns()
                send_all()
                scheduling.follow_mailings()
        resend.refresh_from_db()
        self.assertEqual(resend.status, CampaignStatus.SENT)
        self.assertEqual(set(second.count()), {address(2), address(5), address(6)})
        self.assertEqual(set(second.count().values()), {1})
        subjects = {received.parsed()["Subject"] for received in second.received}
        self.assertEqual(
            subjects, {"¿Lo viste, Nombre0002?", "¿Lo viste, Nombre0005?", "¿Lo viste, Nombre0006?"}
        )
        self.assertEqual(
            Message.objects.filter(mailing=resend.mailing, status=MessageStatus.SENT).count(), 3
        )

    def test_a_copy_of_a_resend_goes_to_the_non_openers_not_the_whole_list(self) -> None:
        resend = self.create()
        response = self.client.post(self.url("duplicate", resend))
        copy = Campaign.objects.exclude(pk__in=[self.parent.pk, resend.pk]).get()
        self.assertRedirects(response, reverse("campaigns:edit", args=[copy.code]))
        self.assertEqual((copy.resend_of, copy.resend_kind), (self.parent, ResendKind.NON_OPENERS))
        self.assertEqual(
            set(copy.audience().values_list("email", flat=True)),
            {address(2), address(4), address(5), address(6)},
        )

    def test_its_form_shows_the_lists_but_does_not_change_them(self) -> None:
        resend = self.create()
        lists = list(resend.include_lists.all())
        other = drafts.mailing_list("Egresados", count=1)
        page = self.client.get(self.url("edit", resend))
        self.assertContains(page, 'id="resend-audience"')
        data = {
            "name": resend.name,
            "subject": "Otro asunto",
            "sender": resend.sender_id,
            "template": resend.template_id,
            "include_lists": [other.pk],
        }
        self.assertRedirects(
            self.client.post(self.url("edit", resend), data), self.url("detail", resend)
        )
        resend.refresh_from_db()
        self.assertEqual(resend.subject, "Otro asunto")
        self.assertEqual(list(resend.include_lists.all()), lists)

    def test_counting_machines_leaves_out_those_only_a_machine_opened(self) -> None:
        resend = self.create(machines="every", days=0)
        self.assertTrue(resend.resend_counts_machines)
        self.assertEqual(resend.resend_days, 0)
        page = self.client.get(self.url("detail", resend))
        self.assertContains(page, "count as opens: those contacts do not get it")
        # The planned time has passed: it is sent now, through the usual confirmation.
        self.assertContains(page, "Send it now")
        self.assertEqual(
            set(resend.audience().values_list("email", flat=True)),
            {address(4), address(5), address(6)},
        )

    def test_wrong_values_are_refused_in_plain_words(self) -> None:
        url = self.url("resend_non_openers", self.parent)
        self.use_spanish()
        page = self.client.post(url, {"days": 31, "subject": "{{ nombre", "machines": "people"})
        self.assertContains(page, "Asegúrese de que este valor es menor o igual a 30.")
        self.assertContains(page, 'data-field="subject"')
        self.assertFalse(Campaign.objects.filter(resend_of=self.parent).exists())

    def test_a_second_resend_waits_for_the_first_and_campaigns_that_cannot_are_told_why(
        self,
    ) -> None:
        first = self.create()
        again = self.client.get(self.url("resend_non_openers", self.parent), follow=True)
        self.assertContains(again, "It already has this resend, not yet sent")
        self.assertNotContains(
            self.client.get(self.url("detail", self.parent)), 'id="resend-non-openers"'
        )
        first.cancel()
        self.assertEqual(
            self.client.get(self.url("resend_non_openers", self.parent)).status_code, 200
        )

        untracked = campaign_to(contacts_on_a_list(0, name="Otra"))
        Campaign.objects.filter(pk=untracked.pk).update(track_opens=False)
        scheduling.start_due_campaigns()
        refused = self.client.get(self.url("resend_non_openers", untracked), follow=True)
        self.assertContains(refused, "did not count opens")

        draft = Campaign.objects.create(name="Borrador", subject="Hola")
        refused = self.client.post(self.url("resend_non_openers", draft), {"days": 1}, follow=True)
        self.assertContains(refused, "The campaign has not started")

        sms = Campaign.objects.create(name="SMS", channel=Channel.SMS, sms_text="Hola")
        refused = self.client.get(self.url("resend_non_openers", sms), follow=True)
        self.assertContains(refused, "Only an email campaign can be resent.")
        self.assertEqual(Campaign.objects.filter(resend_of__isnull=False).count(), 1)

    def test_analysts_cannot_resend(self) -> None:
        self.client.force_login(self.charlie)
        url = self.url("resend_non_openers", self.parent)
        self.assertEqual(self.client.post(url, {"days": 1, "machines": "people"}).status_code, 403)
        self.assertFalse(Campaign.objects.filter(resend_of=self.parent).exists())
