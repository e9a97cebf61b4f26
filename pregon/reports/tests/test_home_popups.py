"""The dashboard's pop-ups card: live pop-ups and those seen lately, with people's views and
clicks in the last 30 days."""

import datetime

import time_machine
from django.urls import reverse

from pregon.contacts.models import Contact
from pregon.popups.models import Popup, PopupEvent, PopupEventKind
from pregon.testing import BaseTestCase
from pregon.testing.popup_reports import MORNING, reported_popup


class HomePopupsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The dashboard shows figures once there are contacts.
        Contact.objects.create(email="zoe@example.pe")
        self.client.force_login(self.charlie)

    def rows(self, response: object) -> list[tuple[str, str, dict]]:
        return [(item.popup.name, item.status, item.figures) for item in response.context["popups"]]

    def test_it_shows_live_popups_and_those_seen_lately_with_their_period_figures(self) -> None:
        popup = reported_popup()
        Popup.objects.create(name="Borrador", title="Borrador")
        ended = Popup.objects.create(
            name="Terminada",
            title="Terminada",
            is_published=True,
            ends_at=MORNING + datetime.timedelta(days=1),
        )
        PopupEvent.objects.create(popup=ended, kind=PopupEventKind.VIEWED, at=MORNING, visitor="v9")
        old = Popup.objects.create(
            name="Antigua",
            title="Antigua",
            is_published=True,
            ends_at=MORNING - datetime.timedelta(days=60),
        )
        PopupEvent.objects.create(
            popup=old, kind=PopupEventKind.VIEWED, at=MORNING - datetime.timedelta(days=61)
        )
        # A week after the reported pop-up's first events: all of them are in the period.
        with time_machine.travel(MORNING + datetime.timedelta(days=7), tick=False):
            response = self.client.get("/")
        rows = self.rows(response)
        self.assertEqual(
            [(name, status) for name, status, _ in rows],
            [
                ("Terminada", "ended"),
                ("Curso de diciembre", "live"),
            ],
        )
        figures = dict((name, f) for name, _, f in rows)
        self.assertEqual(figures["Curso de diciembre"]["views"], 5)
        self.assertEqual(figures["Curso de diciembre"]["clicks"], 2)
        self.assertEqual(figures["Terminada"]["views"], 1)
        self.assertContains(response, reverse("popups:report", args=[popup.code]))
        self.assertContains(response, "40.0 %")

    def test_the_period_leaves_older_events_out(self) -> None:
        reported_popup()
        # 31 days after Friday's events: only Sunday's view and click are in the period.
        with time_machine.travel(MORNING + datetime.timedelta(days=31), tick=False):
            self.client.force_login(self.charlie)  # The first session has expired.
            response = self.client.get("/")
        ((_name, _status, figures),) = self.rows(response)
        self.assertEqual((figures["views"], figures["clicks"]), (1, 1))

    def test_no_popup_says_so(self) -> None:
        Popup.objects.create(name="Borrador", title="Borrador")
        response = self.client.get("/")
        self.assertContains(response, 'id="popups-none"')
        self.assertEqual(self.rows(response), [])
