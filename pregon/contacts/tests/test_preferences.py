import datetime

import time_machine
from django.utils import timezone

from pregon.contacts import preferences
from pregon.contacts.models import Contact, MailingList, Subscription, TopicOptOut
from pregon.lib import events
from pregon.testing import BaseTestCase
from pregon.webhooks.models import Delivery, Endpoint

NOW = datetime.datetime(2026, 12, 5, 15, 0, tzinfo=datetime.UTC)


class PreferencesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.courses = MailingList.objects.create(
            name="Cursos 2026", is_topic=True, public_name="Cursos virtuales"
        )
        self.news = MailingList.objects.create(
            name="Boletín", is_topic=True, public_name="Boletín mensual"
        )
        self.staff_only = MailingList.objects.create(name="Docentes internos")
        self.ana = Contact.objects.create(email="ana@example.pe", first_name="Ana")
        for mailing_list in (self.courses, self.staff_only):
            Subscription.objects.create(contact=self.ana, mailing_list=mailing_list)
        # Every change the functions make is announced to webhooks (and workflows).
        Endpoint.objects.create(
            url="https://hooks.example.pe/x",
            events=[events.CONTACT_UPDATED, events.LIST_JOINED],
        )

    def lists_of(self, contact: Contact) -> set[str]:
        return set(contact.lists.values_list("name", flat=True))

    def announced(self) -> list[tuple[str, dict]]:
        return [
            (event, {key: value for key, value in payload.items() if key != "at"})
            for event, payload in Delivery.objects.order_by("id").values_list("event", "payload")
        ]

    def test_leaving_a_topic_deletes_the_subscription_and_keeps_where_from(self) -> None:
        origin = preferences.Origin(message_id=41, campaign_id=7)
        left = preferences.leave_topics(self.ana, [self.courses, self.news], origin)
        self.assertEqual(left, [self.courses])
        self.assertEqual(self.lists_of(self.ana), {"Docentes internos"})
        opt_out = TopicOptOut.objects.get()
        self.assertEqual(
            (opt_out.contact, opt_out.mailing_list, opt_out.message_id, opt_out.campaign_id),
            (self.ana, self.courses, 41, 7),
        )
        self.assertEqual(self.announced(), [("contact.updated", {"contact": self.ana.pk})])

    def test_lists_that_are_no_topics_cannot_be_left_or_joined(self) -> None:
        self.assertEqual(preferences.leave_topics(self.ana, [self.staff_only]), [])
        luis = Contact.objects.create(email="luis@example.pe")
        self.assertEqual(preferences.join_topics(luis, [self.staff_only]), [])
        self.assertEqual(self.lists_of(self.ana), {"Cursos 2026", "Docentes internos"})
        self.assertEqual(self.lists_of(luis), set())
        self.assertFalse(TopicOptOut.objects.exists())
        self.assertEqual(self.announced(), [])

    def test_joining_a_topic_announces_the_list_joined(self) -> None:
        joined = preferences.join_topics(self.ana, [self.courses, self.news])
        self.assertEqual(joined, [self.news])
        self.assertEqual(
            self.announced(),
            [
                ("contact.updated", {"contact": self.ana.pk}),
                ("contact.list_joined", {"contact": self.ana.pk, "list": self.news.pk}),
            ],
        )

    @time_machine.travel(NOW, tick=False)
    def test_a_pause_lasts_the_days_chosen_and_ends_on_resume(self) -> None:
        until = preferences.pause(self.ana, 60)
        self.assertEqual(until, NOW + datetime.timedelta(days=60))
        self.ana.refresh_from_db()
        self.assertEqual(self.ana.paused_until, until)
        self.assertTrue(preferences.is_paused(self.ana))
        self.assertTrue(preferences.resume(self.ana))
        self.ana.refresh_from_db()
        self.assertIsNone(self.ana.paused_until)
        self.assertFalse(preferences.resume(self.ana))
        self.assertEqual(len(self.announced()), 2)

    def test_only_the_offered_pauses_are_taken(self) -> None:
        with self.assertRaises(ValueError):
            preferences.pause(self.ana, 365)
        self.ana.refresh_from_db()
        self.assertIsNone(self.ana.paused_until)

    def test_a_pause_that_ended_is_no_pause(self) -> None:
        self.ana.paused_until = timezone.now() - datetime.timedelta(days=1)
        self.assertFalse(preferences.is_paused(self.ana))
        self.assertFalse(preferences.resume(self.ana))

    def test_names_are_trimmed_and_unchanged_names_announce_nothing(self) -> None:
        self.assertFalse(preferences.update_names(self.ana, " Ana ", ""))
        self.assertTrue(preferences.update_names(self.ana, " Ana María ", " Quispe "))
        self.ana.refresh_from_db()
        self.assertEqual((self.ana.first_name, self.ana.last_name), ("Ana María", "Quispe"))
        self.assertEqual(self.announced(), [("contact.updated", {"contact": self.ana.pk})])

    @time_machine.travel(NOW, tick=False)
    def test_saving_the_form_applies_everything_and_announces_once(self) -> None:
        outcome = preferences.save(
            self.ana,
            topic_ids=[self.news.pk, self.staff_only.pk],
            first_name="Ana",
            last_name="Quispe",
            pause_days=30,
            origin=preferences.Origin(message_id=9),
        )
        self.assertEqual((outcome.joined, outcome.left), ([self.news], [self.courses]))
        self.assertTrue(outcome.renamed)
        self.assertEqual(outcome.paused_until, NOW + datetime.timedelta(days=30))
        # A list that is no topic stays as staff left it, ticked or not.
        self.assertEqual(self.lists_of(self.ana), {"Boletín", "Docentes internos"})
        self.assertEqual(TopicOptOut.objects.get().message_id, 9)
        self.assertEqual(
            [event for event, _payload in self.announced()],
            ["contact.updated", "contact.list_joined"],
        )

    def test_saving_nothing_new_changes_nothing(self) -> None:
        outcome = preferences.save(
            self.ana,
            topic_ids=[self.courses.pk],
            first_name="Ana",
            last_name="",
            pause_days=None,
        )
        self.assertFalse(outcome.changed)
        self.assertEqual(self.announced(), [])

    def test_the_topics_are_in_the_order_of_their_public_names(self) -> None:
        self.assertEqual(preferences.topics(), [self.news, self.courses])
        self.assertEqual(preferences.topic_ids_of(self.ana), {self.courses.pk})
