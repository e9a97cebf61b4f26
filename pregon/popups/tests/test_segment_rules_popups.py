"""Pop-up rules (segment_rules.py): saw or clicked some pop-ups, recently, ever, or never;
people's events only. On SQLite and PostgreSQL."""

import datetime

from django.test import TestCase
from django.utils import timezone, translation

from pregon.contacts.models import Contact
from pregon.contacts.segments import catalogue, filter_contacts, validate_rules
from pregon.popups.models import Popup, PopupEvent, PopupEventKind
from pregon.testing.popup_reports import reported_popup


def rule(field: str, operator: str, value: object = None) -> dict:
    return {"match": "all", "rules": [{"field": field, "operator": operator, "value": value}]}


class PopupSegmentRulesTestCase(TestCase):
    def setUp(self) -> None:
        # ana saw it and sent the form; beto saw, clicked and converted; carla only through
        # a bot; dora never met it.
        self.popup = reported_popup()
        self.other = Popup.objects.create(name="Otra", title="Otra")
        Contact.objects.create(email="dora@example.pe")

    def who(self, rules: dict) -> list[str]:
        return sorted(c.email.split("@")[0] for c in filter_contacts(validate_rules(rules)))

    def test_saw_or_clicked_one_of_these_popups(self) -> None:
        self.assertEqual(self.who(rule("saw_popup", "in_popups", [self.popup.pk])), ["ana", "beto"])
        self.assertEqual(
            self.who(rule("clicked_popup", "in_popups", [str(self.popup.code)])), ["beto"]
        )
        self.assertEqual(self.who(rule("saw_popup", "in_popups", [self.other.pk])), [])

    def test_negatives_leave_machines_events_out(self) -> None:
        # carla's only events are a bot's: she did not see it.
        self.assertEqual(
            self.who(rule("saw_popup", "not_in_popups", [self.popup.pk])), ["carla", "dora"]
        )
        self.assertEqual(self.who(rule("clicked_popup", "never")), ["ana", "carla", "dora"])
        self.assertEqual(self.who(rule("saw_popup", "ever")), ["ana", "beto"])

    def test_a_click_without_a_view_counts_as_seeing_it(self) -> None:
        dora = Contact.objects.get(email="dora@example.pe")
        PopupEvent.objects.create(popup=self.other, kind=PopupEventKind.CLICKED, contact=dora)
        self.assertEqual(self.who(rule("saw_popup", "in_popups", [self.other.pk])), ["dora"])

    def test_in_the_last_days(self) -> None:
        dora = Contact.objects.get(email="dora@example.pe")
        PopupEvent.objects.create(
            popup=self.other,
            kind=PopupEventKind.VIEWED,
            contact=dora,
            at=timezone.now() - datetime.timedelta(days=2),
        )
        self.assertEqual(self.who(rule("saw_popup", "any_in_last_days", 7)), ["dora"])
        self.assertEqual(self.who(rule("saw_popup", "any_in_last_days", "1")), [])

    def test_an_unknown_popup_is_refused_with_a_message(self) -> None:
        with self.assertRaisesMessage(Exception, "ventana emergente desconocida: “999999”"):
            validate_rules(rule("saw_popup", "in_popups", [999999]))

    def test_the_editor_offers_the_popups(self) -> None:
        with translation.override("en"):
            groups = {group["label"]: group for group in catalogue()["groups"]}
        fields = {field["name"]: field for field in groups["Pop-ups"]["fields"]}
        self.assertEqual(set(fields), {"saw_popup", "clicked_popup"})
        offered = [choice["label"] for choice in fields["saw_popup"]["choices"]]
        self.assertEqual(offered, ["Otra", "Curso de diciembre"])
