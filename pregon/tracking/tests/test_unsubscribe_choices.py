"""The unsubscribe page's choices besides leaving everything: leave only the campaign's
topics, pause emails, or go to the preference centre. RFC 8058's one-click POST still
unsubscribes from everything (test_unsubscribe.py holds the rest of it)."""

import datetime

import time_machine
from django.test import Client

from pregon.campaigns import scheduling
from pregon.contacts.models import Contact, MailingList, Status, Subscription, TopicOptOut
from pregon.lib import signing
from pregon.sending.models import Message
from pregon.testing import BaseTestCase
from pregon.testing.campaigns import campaign_to, contacts_on_a_list
from pregon.tracking.models import Event, EventKind

NOW = datetime.datetime(2026, 12, 5, 15, 0, tzinfo=datetime.UTC)


class UnsubscribeChoicesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = contacts_on_a_list(2, name="Cursos 2026")
        MailingList.objects.filter(pk=self.courses.pk).update(
            is_topic=True, public_name="Cursos virtuales"
        )
        self.news = MailingList.objects.create(
            name="Boletín", is_topic=True, public_name="Boletín mensual"
        )
        self.campaign = campaign_to(self.courses)
        scheduling.start_due_campaigns()
        self.message = Message.objects.order_by("pk").first()
        self.contact = self.message.contact
        Subscription.objects.create(contact=self.contact, mailing_list=self.news)
        self.url = f"/t/baja/{signing.sign('unsubscribe', self.message.pk)}/"
        self.client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="es")

    def lists(self) -> set[str]:
        return set(self.contact.lists.values_list("name", flat=True))

    def test_the_page_offers_the_campaign_s_topic_a_pause_and_the_preferences(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, "Este correo trataba de este tema:")
        self.assertContains(response, f'<strong data-topic="{self.courses.pk}">Cursos virtuales')
        # Only the topics this campaign went to.
        self.assertNotContains(response, "Boletín mensual")
        self.assertContains(response, "Dejar solo este tema")
        self.assertContains(response, "Pausar mis correos")
        preferences = f"/preferencias/{signing.sign('preferences', self.message.pk)}/"
        self.assertContains(response, f'href="{preferences}"')
        self.assertEqual(self.client.get(preferences).status_code, 200)

    def test_a_topic_already_left_is_not_offered(self) -> None:
        Subscription.objects.filter(contact=self.contact, mailing_list=self.courses).delete()
        response = self.client.get(self.url)
        self.assertNotContains(response, "Dejar solo este tema")
        self.assertContains(response, "Pausar mis correos")

    def test_a_campaign_to_lists_that_are_no_topics_offers_no_topic(self) -> None:
        MailingList.objects.filter(pk=self.courses.pk).update(is_topic=False)
        response = self.client.get(self.url)
        self.assertNotContains(response, 'id="leave-topics"')

    def test_leaving_only_the_topic_keeps_the_person_subscribed(self) -> None:
        response = self.client.post(self.url, {"action": "leave_topics"})
        self.assertContains(response, "data-left-topics")
        self.assertContains(response, "ya no recibirá este tema:")
        self.assertEqual(self.lists(), {"Boletín"})
        self.contact.refresh_from_db()
        self.assertEqual(self.contact.status, Status.SUBSCRIBED)
        self.assertFalse(Event.objects.filter(kind=EventKind.UNSUBSCRIBED).exists())
        opt_out = TopicOptOut.objects.get()
        self.assertEqual(
            (opt_out.mailing_list, opt_out.message_id, opt_out.campaign_id),
            (self.courses, self.message.pk, self.campaign.pk),
        )
        # A second press changes nothing more.
        response = self.client.post(self.url, {"action": "leave_topics"})
        self.assertContains(response, "Usted ya había dejado los temas de este correo.")
        self.assertEqual(TopicOptOut.objects.count(), 1)

    @time_machine.travel(NOW, tick=False)
    def test_a_pause_instead_of_leaving(self) -> None:
        response = self.client.post(self.url, {"action": "pause", "days": "30"})
        self.assertContains(response, "data-paused")
        self.contact.refresh_from_db()
        self.assertEqual(self.contact.paused_until, NOW + datetime.timedelta(days=30))
        self.assertEqual(self.contact.status, Status.SUBSCRIBED)
        self.assertEqual(self.lists(), {"Cursos 2026", "Boletín"})

    def test_a_pause_not_offered_asks_again_and_does_not_unsubscribe(self) -> None:
        response = self.client.post(self.url, {"action": "pause", "days": "3650"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'role="alert"', status_code=400)
        self.contact.refresh_from_db()
        self.assertEqual(
            (self.contact.status, self.contact.paused_until), (Status.SUBSCRIBED, None)
        )

    def test_one_click_unsubscribes_from_everything_whatever_else_is_posted(self) -> None:
        response = self.client.post(
            self.url, {"List-Unsubscribe": "One-Click", "action": "leave_topics"}
        )
        self.assertContains(response, "data-unsubscribed")
        self.contact.refresh_from_db()
        self.assertEqual(self.contact.status, Status.UNSUBSCRIBED)
        self.assertFalse(TopicOptOut.objects.exists())
        self.assertEqual(Event.objects.get(kind=EventKind.UNSUBSCRIBED).message, self.message)

    def test_the_page_s_own_unsubscribe_still_leaves_everything(self) -> None:
        self.client.post(self.url, {"reason": "too_many"})
        self.assertEqual(Contact.objects.get(pk=self.contact.pk).status, Status.UNSUBSCRIBED)
        self.assertFalse(TopicOptOut.objects.exists())
