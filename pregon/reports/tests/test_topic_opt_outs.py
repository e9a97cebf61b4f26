"""Topic opt-outs in a campaign's report, apart from unsubscribes: the figure and its card,
the list of who left which topic and its export, and the API's figures and event log."""

import csv
import io

from django.test import Client
from django.urls import reverse

from pregon.contacts import preferences
from pregon.contacts.models import Contact, MailingList, Subscription
from pregon.lib import signing
from pregon.reports import stats
from pregon.sending.models import Mailing, Message
from pregon.testing.api import ApiTestCase
from pregon.testing.reports import reported_campaign


class TopicOptOutsTestCase(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.campaign = reported_campaign()
        self.courses = MailingList.objects.create(
            name="Cursos 2026", is_topic=True, public_name="Cursos virtuales"
        )
        self.news = MailingList.objects.create(name="Boletín", is_topic=True)
        self.campaign.include_lists.add(self.courses, self.news)
        # persona6 leaves both topics of the campaign, persona7 the one they receive, from
        # the unsubscribe page; persona3 unsubscribed from everything (reported_campaign).
        for email, lists in [
            ("persona6@example.pe", [self.courses, self.news]),
            ("persona7@example.pe", [self.courses]),
        ]:
            contact = Contact.objects.get(email=email)
            for mailing_list in lists:
                Subscription.objects.create(contact=contact, mailing_list=mailing_list)
            message = Message.objects.get(contact=contact)
            response = Client().post(
                f"/t/baja/{signing.sign('unsubscribe', message.pk)}/", {"action": "leave_topics"}
            )
            self.assertContains(response, "data-left-topics")
        self.client.force_login(self.bob)

    def test_the_figures_count_people_who_left_a_topic_apart_from_unsubscribes(self) -> None:
        figures = stats.figures(self.campaign.mailing)
        self.assertEqual((figures.unsubscribed, figures.topic_opt_outs), (1, 2))
        self.use_spanish()
        response = self.client.get(reverse("reports:campaign", args=[self.campaign.code]))
        self.assertContains(response, 'data-figure="topic_opt_outs"')
        self.assertContains(response, "Dejaron un tema")
        cards = {card.key: card.value for card in response.context["cards"]}
        self.assertEqual((cards["unsubscribed"], cards["topic_opt_outs"]), ("1", "2"))

    def test_topics_left_from_another_mailing_or_no_message_are_not_counted(self) -> None:
        other = Mailing.objects.create(
            subject="Otro", html="<p>Otro</p>", text="Otro", sender=self.campaign.sender
        )
        contact = Contact.objects.get(email="persona1@example.pe")
        message = Message.objects.create(mailing=other, contact=contact, email=contact.email)
        for mailing_list in (self.courses, self.news):
            Subscription.objects.create(contact=contact, mailing_list=mailing_list)
        preferences.leave_topics(contact, [self.courses], preferences.Origin(message.pk))
        preferences.leave_topics(contact, [self.news])
        self.assertEqual(stats.figures(self.campaign.mailing).topic_opt_outs, 2)
        self.assertEqual(stats.figures(other).topic_opt_outs, 1)

    def test_the_list_and_its_export_name_who_left_which_topic(self) -> None:
        url = reverse("reports:campaign_people", args=[self.campaign.code, "temas"])
        response = self.client.get(url)
        self.assertContains(response, "persona6@example.pe")
        self.assertContains(response, "Cursos virtuales")
        # A topic without a public name shows its name.
        self.assertContains(response, "Boletín")
        self.assertNotContains(response, "persona3@example.pe")
        export = reverse("reports:campaign_export", args=[self.campaign.code, "temas"])
        body = b"".join(self.client.get(export, {"format": "csv"}).streaming_content)
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:4], ["Email address", "First name", "Last name", "Topic"])
        self.assertEqual(
            sorted((row[0], row[3]) for row in rows[1:]),
            [
                ("persona6@example.pe", "Boletín"),
                ("persona6@example.pe", "Cursos virtuales"),
                ("persona7@example.pe", "Cursos virtuales"),
            ],
        )

    def test_the_api_gives_the_figure_and_the_events(self) -> None:
        url = f"/campaigns/{self.campaign.code}"
        figures = self.call("GET", url + "/report").json()["figures"]
        self.assertEqual((figures["unsubscribed"], figures["topic_opt_outs"]), (1, 2))
        response = self.call("GET", url + "/events", {"kind": "left_topic"})
        self.assertEqual(response.status_code, 200, response.content)
        items = response.json()["items"]
        self.assertEqual(
            sorted((item["email"], item["detail"]) for item in items),
            [
                ("persona6@example.pe", "Boletín"),
                ("persona6@example.pe", "Cursos virtuales"),
                ("persona7@example.pe", "Cursos virtuales"),
            ],
        )
        self.assertEqual({item["kind"] for item in items}, {"left_topic"})
        everything = self.call("GET", url + "/events").json()
        # reported_campaign's 16 events and bounces, and the 3 topics left, newest last.
        self.assertEqual(everything["count"], 19)
        self.assertEqual([item["kind"] for item in everything["items"][-3:]], ["left_topic"] * 3)
        unsubscribes = self.call("GET", url + "/events", {"kind": "unsubscribed"}).json()
        self.assertEqual([item["email"] for item in unsubscribes["items"]], ["persona3@example.pe"])
