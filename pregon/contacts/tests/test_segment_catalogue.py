"""What the segment editor and the API are told about the rules: the groups and fields in
their order, each with its operators and the values it offers."""

from django.test import TestCase
from django.utils import translation

from pregon.contacts.models import Field, FieldType, MailingList, Tag
from pregon.contacts.segments import catalogue
from pregon.testing.engagement import EngagementData


class SegmentCatalogueTestCase(EngagementData, TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make()
        Field.objects.create(key="city", label="Ciudad", type=FieldType.TEXT)
        Field.objects.create(key="age", label="Edad", type=FieldType.NUMBER)
        Tag.objects.create(name="vip")

    def groups(self) -> list[dict]:
        with translation.override("en"):
            return catalogue()["groups"]

    def test_it_lists_the_fields_in_groups_in_the_editors_order(self) -> None:
        names = [(g["label"], [f["name"] for f in g["fields"]]) for g in self.groups()]
        contact = ["email", "first_name", "last_name", "phone", "sms_opted_out_at", "status"]
        self.assertEqual(
            names,
            [
                ("Contact", [*contact, "consent_source", "consent_at", "created_at", "updated_at"]),
                ("Lists and tags", ["list", "tag"]),
                ("Moodle classroom", ["moodle_enrolled", "moodle_completed", "moodle_category"]),
                ("Emails received", ["received"]),
                ("Engagement", ["opened", "clicked"]),
                ("Pop-ups", ["saw_popup", "clicked_popup"]),
                ("Custom fields", ["field:city", "field:age"]),
            ],
        )

    def test_rows_of_other_tables_offer_their_rows_with_their_operators(self) -> None:
        fields = {f["name"]: f for g in self.groups() for f in g["fields"]}
        lists = list(MailingList.objects.values_list("name", flat=True))
        self.assertEqual([c["label"] for c in fields["list"]["choices"]], lists)
        self.assertEqual([c["label"] for c in fields["tag"]["choices"]], ["vip"])
        self.assertEqual([c["label"] for c in fields["clicked"]["choices"]], ["B", "A"])
        self.assertEqual(
            [(o["name"], o["label"], o["value"]) for o in fields["tag"]["operators"]],
            [("is_in", "is in any of", "tags"), ("is_not_in", "is in none of", "tags")],
        )
        self.assertEqual(
            [(o["name"], o["value"]) for o in fields["opened"]["operators"]],
            [
                ("in_campaigns", "campaigns"),
                ("not_in_campaigns", "campaigns"),
                ("any_in_last_days", "days"),
                ("none_in_last_days", "days"),
                ("ever", None),
                ("never", None),
            ],
        )
        self.assertEqual(fields["opened"]["label"], "Opened")
