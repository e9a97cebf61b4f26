"""A campaign's audience honours each person's own choices: who left the topic it is sent to,
and who paused their emails in the preference centre, get no message."""

import datetime

from django.utils import timezone

from pregon.campaigns import scheduling
from pregon.contacts import preferences
from pregon.contacts.models import Contact, MailingList
from pregon.sending.models import Message
from pregon.testing import BaseTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list


class AudienceChoicesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.topic = contacts_on_a_list(4, name="Cursos 2026")
        MailingList.objects.filter(pk=self.topic.pk).update(
            is_topic=True, public_name="Cursos virtuales"
        )
        self.topic.refresh_from_db()
        self.people = list(Contact.objects.order_by("email"))

    def recipients(self) -> list[str]:
        return sorted(Message.objects.values_list("email", flat=True))

    def test_who_left_the_topic_or_paused_gets_nothing(self) -> None:
        preferences.leave_topics(self.people[0], [self.topic])
        preferences.pause(self.people[1], 30)
        # A pause that has ended is no pause.
        Contact.objects.filter(pk=self.people[2].pk).update(
            paused_until=timezone.now() - datetime.timedelta(minutes=1)
        )
        campaign = campaign_to(self.topic)
        self.assertEqual(campaign.recipient_count(), 2)
        scheduling.start_due_campaigns()
        self.assertEqual(self.recipients(), ["persona0002@example.pe", "persona0003@example.pe"])

    def test_who_resumed_or_joined_again_gets_it(self) -> None:
        preferences.leave_topics(self.people[0], [self.topic])
        preferences.join_topics(self.people[0], [self.topic])
        preferences.pause(self.people[1], 90)
        preferences.resume(self.people[1])
        campaign_to(self.topic)
        scheduling.start_due_campaigns()
        self.assertEqual(len(self.recipients()), 4)
