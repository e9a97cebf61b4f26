import datetime
import json
import re

from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.reports import stats
from pregon.reports.cards import cards
from pregon.reports.models import LiveFigures
from pregon.sending.models import Message
from pregon.testing import BaseTestCase
from pregon.testing.reports import event, reported_campaign
from pregon.tracking.models import EventKind

CARD = re.compile(r'data-figure="(\w+)".*?data-value>([^<]*)</div>', re.DOTALL)
LINK = re.compile(r'<tr data-link="(\d+)">.*?data-unique="(\d+)".*?data-total="(\d+)"', re.DOTALL)
CHARTS = re.compile(r'<script id="report-chart-data" type="application/json">(.*?)</script>')


class LiveFiguresTestCase(BaseTestCase):
    """The live part the report page polls shows what a full recount of the mailing gives,
    from a snapshot that a task worker refreshes once it is older than the poll interval."""

    def setUp(self) -> None:
        super().setUp()
        self.campaign = reported_campaign(CampaignStatus.SENDING)
        self.mailing = self.campaign.mailing
        self.url = reverse("reports:campaign_live", args=[self.campaign.code])
        self.client.force_login(self.charlie)

    def poll(self, human: bool = True) -> dict:
        """What a poll shows: the cards, the clicks per link and the charts' data."""
        query = "?mailing=1" + ("" if human else "&eventos=todos")
        # The refresh is queued once the poll's transaction commits.
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.get(self.url + query, headers={"hx-request": "true"})
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        return {
            "cards": dict(CARD.findall(content)),
            "links": [tuple(map(int, row)) for row in LINK.findall(content)],
            "charts": json.loads(CHARTS.search(content).group(1)),
        }

    def recount(self, human: bool = True) -> dict:
        """The same, counted now from every message, bounce and event of the mailing."""
        figures = stats.figures(self.mailing)
        return {
            "cards": {card.key: card.value for card in cards(figures, human)},
            "links": [
                (link.position, link.unique, link.total)
                for link in stats.clicks_per_link(self.mailing, human)
            ],
            "hours": stats.by_hour_of_day(self.mailing, human).opens,
            "timeline": stats.over_time(self.mailing, human).labels,
            "clients": [
                [name or "Unknown", n] for name, n in stats.mail_clients(self.mailing, human)
            ],
        }

    def assertRecounted(self, shown: dict, human: bool = True) -> None:
        expected = self.recount(human)
        self.assertEqual(shown["cards"], expected["cards"])
        self.assertEqual(shown["links"], expected["links"])
        self.assertEqual(shown["charts"]["hours"]["opens"], expected["hours"])
        self.assertEqual(shown["charts"]["timeline"]["labels"], expected["timeline"])
        self.assertEqual(shown["charts"]["clients"], expected["clients"])

    def make_stale(self) -> None:
        """Let the poll interval pass since the snapshot was computed."""
        row = LiveFigures.objects.get(mailing=self.mailing)
        row.computed_at -= datetime.timedelta(minutes=1)
        row.save()

    def run_queued_refresh(self) -> None:
        """What the task worker does with the queued refresh (its process would close this
        test's database)."""
        queued = DBTaskResult.objects.get()
        queued.task.call(*queued.task_result.args, **queued.task_result.kwargs)
        queued.delete()

    def test_the_first_poll_shows_a_recount_for_people_and_for_every_event(self) -> None:
        shown = self.poll()
        self.assertEqual(shown["cards"]["sent"], "8")
        self.assertEqual(shown["cards"]["opened"], "4")
        self.assertRecounted(shown)
        self.assertRecounted(self.poll(human=False), human=False)

    def test_a_fresh_snapshot_is_shown_as_it_is_and_nothing_is_queued(self) -> None:
        self.poll()
        messages = list(Message.objects.filter(mailing=self.mailing).order_by("pk"))
        event(messages[7], EventKind.CLICKED, 700, link=1, client="Gmail", device="mobile")
        shown = self.poll()
        self.assertEqual(shown["cards"]["clicked"], "3")
        self.assertFalse(DBTaskResult.objects.exists())

    def test_a_stale_snapshot_queues_one_refresh_whose_figures_the_next_poll_shows(self) -> None:
        self.poll()
        messages = list(Message.objects.filter(mailing=self.mailing).order_by("pk"))
        event(messages[7], EventKind.CLICKED, 700, link=1, client="Gmail", device="mobile")
        event(messages[1], EventKind.OPENED, 800, client="Outlook", device="desktop")
        self.make_stale()
        # The polls answer at once with what the snapshot holds; one refresh is queued.
        self.assertEqual(self.poll()["cards"]["clicked"], "3")
        self.assertEqual(self.poll()["cards"]["clicked"], "3")
        self.assertEqual(DBTaskResult.objects.count(), 1)
        self.run_queued_refresh()
        shown = self.poll()
        self.assertEqual(shown["cards"]["clicked"], "4")
        self.assertEqual(shown["cards"]["opened"], "5")
        self.assertRecounted(shown)
        self.assertRecounted(self.poll(human=False), human=False)
        self.assertFalse(DBTaskResult.objects.exists())

    def test_opening_the_report_page_computes_afresh(self) -> None:
        self.poll()
        messages = list(Message.objects.filter(mailing=self.mailing).order_by("pk"))
        event(messages[7], EventKind.CLICKED, 700, link=1, client="Gmail", device="mobile")
        page = self.client.get(reverse("reports:campaign", args=[self.campaign.code]))
        self.assertEqual(dict(CARD.findall(page.content.decode()))["clicked"], "4")
        # And the polls that follow show it too.
        self.assertRecounted(self.poll())

    def test_a_refresh_never_replaces_figures_counted_after_it_started(self) -> None:
        self.poll()
        self.make_stale()
        self.poll()  # Queues a refresh.
        # Before the worker runs it, figures counted later were kept (a page opened while
        # the refresh's slow count ran would leave them).
        later = timezone.now() + datetime.timedelta(minutes=1)
        LiveFigures.objects.filter(mailing=self.mailing).update(
            computed_at=later, data={"figures": "later"}
        )
        self.run_queued_refresh()
        row = LiveFigures.objects.get(mailing=self.mailing)
        self.assertEqual((row.computed_at, row.data), (later, {"figures": "later"}))

    def test_the_last_poll_once_the_campaign_finished_counts_afresh(self) -> None:
        self.poll()
        messages = list(Message.objects.filter(mailing=self.mailing).order_by("pk"))
        event(messages[7], EventKind.CLICKED, 700, link=1, client="Gmail", device="mobile")
        Campaign.objects.filter(pk=self.campaign.pk).update(status=CampaignStatus.SENT)
        shown = self.poll()
        self.assertEqual(shown["cards"]["clicked"], "4")
        self.assertRecounted(shown)
        self.assertFalse(DBTaskResult.objects.exists())
