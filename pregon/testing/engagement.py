"""Opens and clicks of two campaigns by five people, for the tests of engagement rules."""

import datetime

from django.utils import timezone

from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact, MailingList, Subscription
from pregon.sending.models import Message
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.tracking import engagement
from pregon.tracking.models import Event, EventKind


def sent(name: str, mailing_list: MailingList) -> Campaign:
    """A campaign started to ``mailing_list``, its messages marked sent."""
    campaign = campaign_to(mailing_list)
    Campaign.objects.filter(pk=campaign.pk).update(name=name)
    scheduling.start_due_campaigns()
    campaign.refresh_from_db()
    Message.objects.filter(mailing=campaign.mailing).update(status="sent")
    return campaign


class EngagementData:
    """Four people got campaign A; the fourth also got B, a month ago. A fifth got nothing.

    persona0000 opened A; persona0001's only open of A was Apple's privacy proxy;
    persona0002 opened A and clicked it; persona0003 opened B 30 days ago, and not A.
    """

    def make(self) -> None:
        self.everyone = contacts_on_a_list(4)
        self.a = sent("A", self.everyone)
        last = MailingList.objects.create(name="Solo una")
        Subscription.objects.create(
            contact=Contact.objects.get(email="persona0003@example.pe"), mailing_list=last
        )
        self.b = sent("B", last)
        Contact.objects.create(email="nueva@example.pe")
        self.event("persona0000", self.a, EventKind.OPENED)
        self.event("persona0001", self.a, EventKind.OPENED, machine="apple_mpp")
        self.event("persona0002", self.a, EventKind.OPENED)
        self.event("persona0002", self.a, EventKind.CLICKED)
        self.event("persona0003", self.b, EventKind.OPENED, days_ago=30)

    def event(
        self, who: str, campaign: Campaign, kind: str, machine: str = "", days_ago: int = 0
    ) -> None:
        message = Message.objects.get(mailing=campaign.mailing, email=f"{who}@example.pe")
        at = timezone.now() - datetime.timedelta(days=days_ago, minutes=1)
        event = Event.objects.create(kind=kind, message=message, machine=machine, at=at)
        engagement.keep_up([event])  # As the spool's flush does.
