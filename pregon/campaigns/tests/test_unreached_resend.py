"""An incident, then "Send again to those not reached" (R21), through real SMTP servers: the
relay goes down in the middle of a campaign, its page shows the incident with the count and
the reason, the unreached are listed and exported, and the resend, sent through the usual
confirmation once a relay is back, mails every contact exactly once and debits only what
went out."""

import csv
import html
import io
import re

from django.db.models import Sum
from django.test import override_settings
from django.urls import reverse

from pregon.accounts.models import AuditAction, AuditEntry
from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign, CampaignStatus, ResendKind
from pregon.contacts.models import Contact, Status
from pregon.sending import engine, unreached
from pregon.sending.models import Backend, Mailing, Message, MessageStatus, QuotaDebit
from pregon.testing import BaseTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list, send_all
from pregon.testing.smtp import Mailbox, smtp_server

HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')


def sent_through(mailboxes: list[Mailbox]) -> dict[str, int]:
    """How many messages each address got, over every relay."""
    total: dict[str, int] = {}
    for mailbox in mailboxes:
        for address, n in mailbox.count().items():
            total[address] = total.get(address, 0) + n
    return total


# No retries: a relay that is down fails the messages at once, as it would after hours.
@override_settings(SENDING_RETRY_DELAYS=[])
class UnreachedResendTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.mailing_list = contacts_on_a_list(10)
        self.client.force_login(self.bob)
        self.first = Mailbox()
        # The relay takes the first 4 messages, then goes down.
        with smtp_server(self.first) as relay:
            self.parent = campaign_to(self.mailing_list)
            scheduling.start_due_campaigns()
            worker = engine.Worker()
            engine.send_batch(worker, 4)
            worker.close()
        send_all()
        scheduling.follow_mailings()
        self.parent.refresh_from_db()
        self.relay = relay

    def page(self, campaign: Campaign) -> str:
        return self.client.get(reverse("campaigns:detail", args=[campaign.code])).content.decode()

    def confirm_send_now(self, campaign: Campaign) -> None:
        """Press "Send now", then "Yes, send it now" on the usual confirmation."""
        url = reverse("campaigns:send_now", args=[campaign.code])
        page = self.client.post(url)
        self.assertContains(page, 'id="confirm-send"')
        hidden = {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}
        hidden.pop("csrfmiddlewaretoken", None)
        self.assertRedirects(
            self.client.post(url, hidden), reverse("campaigns:detail", args=[campaign.code])
        )

    def test_the_incident_is_shown_listed_exported_and_sent_again_once_to_each(self) -> None:
        self.assertEqual(self.parent.status, CampaignStatus.SENT_WITH_ERRORS)
        self.assertEqual(len(self.first.received), 4)
        counts = unreached.counts(self.parent.mailing_id)
        self.assertEqual(sum(counts[reason] for reason in unreached.INCIDENT), 6)

        # The campaign's page shows the incident: the count, the reason, the button.
        page = self.page(self.parent)
        self.assertIn('data-incident-count="6"', page)
        self.assertIn("A system incident left 6 messages unsent", page)
        self.assertIn('data-reason="relay"', page)
        self.assertIn("The sending server could not be reached or took no message: <strong>6", page)
        self.assertIn("the consumption page shows them as not charged", page)
        self.assertIn(reverse("campaigns:resend_unreached", args=[self.parent.code]), page)

        # Who was not reached, and why, and its export.
        listing = self.client.get(reverse("campaigns:resend_unreached", args=[self.parent.code]))
        self.assertContains(listing, 'data-reason="relay"', count=7)  # The reasons and 6 rows.
        unsent = set(
            Message.objects.filter(
                mailing=self.parent.mailing, status=MessageStatus.FAILED
            ).values_list("email", flat=True)
        )
        for address in unsent:
            self.assertContains(listing, address)
        export = self.client.get(
            reverse("reports:campaign_export", args=[self.parent.code, "no-recibieron"]),
            {"format": "csv"},
        )
        rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
        self.assertEqual(rows[0][:4], ["Email address", "First name", "Last name", "Why"])
        self.assertEqual({row[0] for row in rows[1:]}, unsent)
        self.assertEqual({row[4] for row in rows[1:]}, {"relay"})

        # A contact not reached unsubscribed meanwhile: the resend leaves them out.
        gone = sorted(unsent)[0]
        Contact.objects.filter(email=gone).update(status=Status.UNSUBSCRIBED)

        # Send again: a draft resend, sent through the usual confirmation.
        created = self.client.post(reverse("campaigns:resend_unreached", args=[self.parent.code]))
        resend = Campaign.objects.get(resend_of=self.parent)
        self.assertRedirects(created, reverse("campaigns:detail", args=[resend.code]))
        self.assertEqual(
            (resend.status, resend.resend_kind, resend.subject),
            (CampaignStatus.DRAFT, ResendKind.UNREACHED, self.parent.subject),
        )
        self.assertIn("A resend of", self.page(resend))
        # Pressed again, it is refused: the first one has not been sent yet.
        again = self.client.post(
            reverse("campaigns:resend_unreached", args=[self.parent.code]), follow=True
        )
        self.assertContains(again, "It already has this resend, not yet sent")
        self.assertEqual(Campaign.objects.filter(resend_of=self.parent).count(), 1)

        self.confirm_send_now(resend)
        self.assertTrue(
            AuditEntry.objects.filter(action=AuditAction.CAMPAIGN_SENT, target=resend.name).exists()
        )
        Backend.objects.filter(pk=self.relay.pk).update(is_active=False)
        second = Mailbox()
        with smtp_server(second):
            scheduling.start_due_campaigns()
            send_all()
            scheduling.follow_mailings()
        resend.refresh_from_db()
        self.assertEqual(resend.status, CampaignStatus.SENT)

        # Every contact (but the one who left) got the campaign exactly once.
        everyone = set(Contact.objects.exclude(email=gone).values_list("email", flat=True))
        self.assertEqual(sent_through([self.first, second]), dict.fromkeys(everyone, 1))
        self.assertEqual(set(second.count()), unsent - {gone})

        # The ledger is exact: a debit for each accepted message, none for the unreached.
        accepted = Message.objects.filter(status=MessageStatus.SENT).count()
        self.assertEqual(accepted, 9)
        self.assertEqual(QuotaDebit.objects.aggregate(total=Sum("count"))["total"], accepted)
        self.assertEqual(
            QuotaDebit.objects.filter(mailing=self.parent.mailing).aggregate(n=Sum("count"))["n"],
            4,
        )
        # The incident stays on record for the consumption ledger, never charged.
        self.assertEqual(incidents_by_mailing(), {self.parent.mailing_id: 6})

        # The parent's page no longer offers to send again: nobody is left to reach.
        page = self.page(self.parent)
        self.assertIn("Nobody is left to reach", page)
        self.assertNotIn('id="resend-unreached"', page)
        self.assertIn(reverse("campaigns:detail", args=[resend.code]), page)

    def test_a_resend_hit_by_an_incident_too_is_sent_again_from_its_own_page_only(
        self,
    ) -> None:
        self.client.post(reverse("campaigns:resend_unreached", args=[self.parent.code]))
        first_resend = Campaign.objects.get(resend_of=self.parent)
        self.confirm_send_now(first_resend)
        # The relay is back for 2 messages, then down again.
        Backend.objects.filter(pk=self.relay.pk).update(is_active=False)
        second = Mailbox()
        with smtp_server(second) as relay:
            scheduling.start_due_campaigns()
            worker = engine.Worker()
            engine.send_batch(worker, 2)
            worker.close()
        send_all()
        scheduling.follow_mailings()
        first_resend.refresh_from_db()
        self.assertEqual(first_resend.status, CampaignStatus.SENT_WITH_ERRORS)

        # The parent offers nothing more: those 4 are the resend's to send again.
        parent_page = self.page(self.parent)
        self.assertNotIn('id="resend-unreached"', parent_page)
        self.assertIn("Nobody is left to reach", parent_page)
        resend_page = self.page(first_resend)
        self.assertIn('data-incident-count="4"', resend_page)
        self.assertIn('id="resend-unreached"', resend_page)

        self.client.post(reverse("campaigns:resend_unreached", args=[first_resend.code]))
        last = Campaign.objects.get(resend_of=first_resend)
        self.confirm_send_now(last)
        Backend.objects.filter(pk=relay.pk).update(is_active=False)
        third = Mailbox()
        with smtp_server(third):
            scheduling.start_due_campaigns()
            send_all()
            scheduling.follow_mailings()

        everyone = set(Contact.objects.values_list("email", flat=True))
        self.assertEqual(sent_through([self.first, second, third]), dict.fromkeys(everyone, 1))
        self.assertEqual(len(third.received), 4)
        accepted = Message.objects.filter(status=MessageStatus.SENT).count()
        self.assertEqual(accepted, 10)
        self.assertEqual(QuotaDebit.objects.aggregate(total=Sum("count"))["total"], 10)
        self.assertEqual(
            incidents_by_mailing(),
            {self.parent.mailing_id: 6, first_resend.mailing_id: 4},
        )

    def test_a_campaign_with_every_message_handed_over_offers_no_resend_to_the_unreached(
        self,
    ) -> None:
        Backend.objects.filter(pk=self.relay.pk).update(is_active=False)
        with smtp_server(Mailbox()):
            done = campaign_to(self.mailing_list)
            scheduling.start_due_campaigns()
            send_all()
            scheduling.follow_mailings()
        done.refresh_from_db()
        self.assertEqual(done.status, CampaignStatus.SENT)
        self.assertNotIn("incident-banner", self.page(done))
        refused = self.client.post(
            reverse("campaigns:resend_unreached", args=[done.code]), follow=True
        )
        self.assertContains(refused, "Nobody is left to reach")
        self.assertFalse(Campaign.objects.filter(resend_of=done).exists())

    def test_analysts_cannot_open_or_create_it(self) -> None:
        self.client.force_login(self.charlie)
        url = reverse("campaigns:resend_unreached", args=[self.parent.code])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.assertFalse(Campaign.objects.filter(resend_of=self.parent).exists())


def incidents_by_mailing() -> dict[int, int]:
    """For each mailing with any, how many of its messages a system incident left unsent."""
    totals = {}
    for mailing_id in Mailing.objects.values_list("pk", flat=True):
        counts = unreached.counts(mailing_id)
        if total := sum(counts[reason] for reason in unreached.INCIDENT):
            totals[mailing_id] = total
    return totals


class CancelledCampaignTestCase(BaseTestCase):
    """A cancelled campaign's unsent messages: an incident if the monthly messages had run
    out (it waited, paused, for more), a person's choice otherwise."""

    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.bob)
        self.campaign = campaign_to(contacts_on_a_list(3))
        scheduling.start_due_campaigns()
        self.campaign.refresh_from_db()

    def page(self) -> str:
        url = reverse("campaigns:detail", args=[self.campaign.code])
        return self.client.get(url).content.decode()

    def test_cancelled_by_a_person_it_is_no_incident_but_can_be_sent_again(self) -> None:
        self.campaign.cancel()
        page = self.page()
        self.assertNotIn("incident-banner", page)
        self.assertIn("3 messages did not reach their recipients.", page)
        self.assertIn('id="resend-unreached"', page)
        listing = self.client.get(reverse("campaigns:resend_unreached", args=[self.campaign.code]))
        self.assertContains(listing, 'data-reason="cancelled"', count=4)

    def test_cancelled_while_waiting_for_monthly_messages_it_is_an_incident(self) -> None:
        self.campaign.mailing.pause_reason = "quota"
        self.campaign.mailing.save()
        self.campaign.cancel()
        page = self.page()
        self.assertIn('data-incident-count="3"', page)
        self.assertIn('data-reason="quota"', page)
        self.assertEqual(incidents_by_mailing(), {self.campaign.mailing_id: 3})
