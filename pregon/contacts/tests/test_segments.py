import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import TestCase

from pregon.contacts.models import (
    ConsentSource,
    Contact,
    Field,
    FieldType,
    MailingList,
    Status,
    Tag,
)
from pregon.contacts.segments import count_contacts, filter_contacts, to_q

LIMA = ZoneInfo("America/Lima")
# Noon in Lima on 15 June 2025; relative rules count back from here.
NOW = datetime.datetime(2025, 6, 15, 12, 0, tzinfo=LIMA)


def rule(field: str, operator: str, value: object = None) -> dict:
    return {"match": "all", "rules": [{"field": field, "operator": operator, "value": value}]}


@time_machine.travel(NOW, tick=False)
class SegmentsTestCase(TestCase):
    """filter_contacts against real rows: every operator family, on SQLite and PostgreSQL."""

    def setUp(self) -> None:
        super().setUp()
        Field.objects.create(key="city", label="City", type=FieldType.TEXT)
        Field.objects.create(key="age", label="Age", type=FieldType.NUMBER)
        Field.objects.create(key="birthday", label="Birthday", type=FieldType.DATE)
        Field.objects.create(key="alumni", label="Alumni", type=FieldType.BOOLEAN)
        self.course = MailingList.objects.create(name="Curso virtual")
        self.news = MailingList.objects.create(name="Boletín")
        self.vip = Tag.objects.create(name="vip")
        self.ana = Contact.objects.create(
            email="ana@example.pe",
            first_name="Ana",
            phone="+51987654321",
            consent_source=ConsentSource.FORM,
            consent_at=NOW - datetime.timedelta(days=3),
            created_at=NOW - datetime.timedelta(days=10),
            attributes={"city": "Lima", "age": 30, "birthday": "1995-03-01", "alumni": True},
        )
        self.luis = Contact.objects.create(
            email="luis@example.pe",
            first_name="Luis",
            status=Status.UNSUBSCRIBED,
            created_at=NOW - datetime.timedelta(days=200),
            attributes={"city": "Cusco", "age": 45.5, "birthday": "1980-12-24", "alumni": False},
        )
        self.rosa = Contact.objects.create(
            email="rosa@example.pe",
            last_name="Quispe",
            status=Status.BOUNCED,
            created_at=datetime.datetime(2025, 6, 14, 23, 30, tzinfo=LIMA),
            # A number kept as text (say, from before the field's type was set) and a JSON
            # null: neither may match a comparison nor break the query.
            attributes={"city": "lima norte", "age": "52", "alumni": None},
        )
        self.nobody = Contact.objects.create(
            email="nadie@example.org", created_at=NOW - datetime.timedelta(days=400)
        )
        self.ana.lists.add(self.course, self.news)
        self.luis.lists.add(self.news)
        self.ana.tags.add(self.vip)
        self.rosa.tags.add(self.vip)

    def emails(self, rules: dict) -> set[str]:
        return set(filter_contacts(rules).values_list("email", flat=True))

    def test_an_empty_rule_set_matches_every_contact(self) -> None:
        self.assertEqual(count_contacts({}), 4)
        self.assertEqual(count_contacts({"match": "any", "rules": []}), 4)
        self.assertEqual(count_contacts(None), 4)

    def test_text_operators_ignore_case(self) -> None:
        self.assertEqual(self.emails(rule("first_name", "equals", "ANA")), {"ana@example.pe"})
        self.assertEqual(self.emails(rule("email", "contains", "@EXAMPLE.PE")), {
            "ana@example.pe", "luis@example.pe", "rosa@example.pe",
        })  # fmt: skip
        self.assertEqual(self.emails(rule("email", "starts_with", "lu")), {"luis@example.pe"})

    def test_text_operators_ignore_accents_and_case(self) -> None:
        Contact.objects.create(
            email="jose@example.pe", first_name="JOSÉ", last_name="Núñez",
            attributes={"city": "Junín"},
        )  # fmt: skip
        junin = {"jose@example.pe"}
        self.assertEqual(self.emails(rule("field:city", "equals", "Junin")), junin)
        self.assertEqual(self.emails(rule("field:city", "equals", "JUNÍN")), junin)
        self.assertEqual(self.emails(rule("field:city", "contains", "nin")), junin)
        self.assertEqual(self.emails(rule("first_name", "equals", "jose")), junin)
        self.assertEqual(self.emails(rule("last_name", "starts_with", "nun")), junin)
        self.assertEqual(self.emails(rule("field:city", "starts_with", "lÍmA")), {
            "ana@example.pe", "rosa@example.pe",
        })  # fmt: skip
        self.assertNotIn("jose@example.pe", self.emails(rule("field:city", "not_equals", "junin")))
        self.assertNotIn("jose@example.pe", self.emails(rule("last_name", "not_contains", "ÑE")))

    def test_a_percent_sign_or_underscore_in_a_text_rule_is_literal(self) -> None:
        Contact.objects.create(email="cien@example.pe", attributes={"city": "100% Lima"})
        self.assertEqual(self.emails(rule("field:city", "contains", "0%")), {"cien@example.pe"})
        self.assertEqual(self.emails(rule("field:city", "contains", "_")), set())

    def test_negative_text_operators_include_contacts_without_a_value(self) -> None:
        self.assertEqual(
            self.emails(rule("first_name", "not_equals", "ana")),
            {"luis@example.pe", "rosa@example.pe", "nadie@example.org"},
        )
        self.assertEqual(
            self.emails(rule("email", "not_contains", "example.pe")), {"nadie@example.org"}
        )

    def test_empty_text_fields(self) -> None:
        self.assertEqual(self.emails(rule("phone", "is_not_empty")), {"ana@example.pe"})
        self.assertEqual(
            self.emails(rule("last_name", "is_empty")),
            {"ana@example.pe", "luis@example.pe", "nadie@example.org"},
        )

    def test_custom_text_field(self) -> None:
        self.assertEqual(self.emails(rule("field:city", "equals", "lima")), {"ana@example.pe"})
        self.assertEqual(
            self.emails(rule("field:city", "starts_with", "LIMA")),
            {"ana@example.pe", "rosa@example.pe"},
        )
        self.assertEqual(
            self.emails(rule("field:city", "not_equals", "Lima")),
            {"luis@example.pe", "rosa@example.pe", "nadie@example.org"},
        )
        self.assertEqual(self.emails(rule("field:city", "is_empty")), {"nadie@example.org"})

    def test_custom_number_field(self) -> None:
        self.assertEqual(self.emails(rule("field:age", "less_than", 40)), {"ana@example.pe"})
        self.assertEqual(self.emails(rule("field:age", "at_most", 30)), {"ana@example.pe"})
        self.assertEqual(self.emails(rule("field:age", "greater_than", "45")), {"luis@example.pe"})
        self.assertEqual(
            self.emails(rule("field:age", "at_least", 30)), {"ana@example.pe", "luis@example.pe"}
        )
        self.assertEqual(self.emails(rule("field:age", "equals", "45,5")), {"luis@example.pe"})
        self.assertEqual(
            self.emails(rule("field:age", "not_equals", 30)),
            {"luis@example.pe", "rosa@example.pe", "nadie@example.org"},
        )
        # Rosa's "52" is text, not a number: it counts as no number at all.
        self.assertEqual(
            self.emails(rule("field:age", "is_empty")), {"rosa@example.pe", "nadie@example.org"}
        )

    def test_custom_date_field(self) -> None:
        self.assertEqual(
            self.emails(rule("field:birthday", "on", "1995-03-01")), {"ana@example.pe"}
        )
        self.assertEqual(
            self.emails(rule("field:birthday", "before", "1995-03-01")), {"luis@example.pe"}
        )
        self.assertEqual(
            self.emails(rule("field:birthday", "after", "1980-12-24")), {"ana@example.pe"}
        )
        self.assertEqual(
            self.emails(rule("field:birthday", "between", ["1980-01-01", "1995-03-01"])),
            {"ana@example.pe", "luis@example.pe"},
        )
        self.assertEqual(
            self.emails(rule("field:birthday", "is_empty")),
            {"rosa@example.pe", "nadie@example.org"},
        )

    def test_custom_date_field_relative_to_today(self) -> None:
        self.ana.attributes["birthday"] = "2025-06-01"  # 14 days before NOW.
        self.ana.save()
        self.assertEqual(
            self.emails(rule("field:birthday", "in_last_days", 14)), {"ana@example.pe"}
        )
        self.assertEqual(self.emails(rule("field:birthday", "in_last_days", 13)), set())
        self.assertEqual(
            self.emails(rule("field:birthday", "more_than_days_ago", 14)), {"luis@example.pe"}
        )

    def test_custom_yes_no_field(self) -> None:
        self.assertEqual(self.emails(rule("field:alumni", "is_yes")), {"ana@example.pe"})
        self.assertEqual(self.emails(rule("field:alumni", "is_no")), {"luis@example.pe"})
        self.assertEqual(
            self.emails(rule("field:alumni", "is_empty")), {"rosa@example.pe", "nadie@example.org"}
        )
        self.assertEqual(
            self.emails(rule("field:alumni", "is_not_empty")),
            {"ana@example.pe", "luis@example.pe"},
        )

    def test_timestamps_relative_to_now(self) -> None:
        self.assertEqual(
            self.emails(rule("created_at", "in_last_days", 30)),
            {"ana@example.pe", "rosa@example.pe"},
        )
        self.assertEqual(
            self.emails(rule("created_at", "more_than_days_ago", 300)), {"nadie@example.org"}
        )

    def test_a_day_is_a_day_in_lima(self) -> None:
        # 23:30 on 14 June in Lima is already 15 June in UTC.
        self.assertEqual(self.emails(rule("created_at", "on", "2025-06-14")), {"rosa@example.pe"})
        self.assertEqual(
            self.emails(rule("created_at", "between", ["2025-06-01", "2025-06-14"])),
            {"rosa@example.pe", "ana@example.pe"},
        )
        self.assertEqual(
            self.emails(rule("created_at", "before", "2025-06-05")),
            {"luis@example.pe", "nadie@example.org"},
        )
        self.assertEqual(
            self.emails(rule("created_at", "after", "2025-06-13")), {"rosa@example.pe"}
        )

    def test_consent(self) -> None:
        self.assertEqual(self.emails(rule("consent_at", "is_not_empty")), {"ana@example.pe"})
        self.assertEqual(self.emails(rule("consent_source", "is", ["form"])), {"ana@example.pe"})
        self.assertEqual(self.emails(rule("consent_source", "is_empty")), {
            "luis@example.pe", "rosa@example.pe", "nadie@example.org",
        })  # fmt: skip

    def test_status(self) -> None:
        self.assertEqual(
            self.emails(rule("status", "is", ["bounced", "unsubscribed"])),
            {"luis@example.pe", "rosa@example.pe"},
        )
        self.assertEqual(
            self.emails(rule("status", "is_not", ["subscribed"])),
            {"luis@example.pe", "rosa@example.pe"},
        )

    def test_list_membership_by_id_or_code(self) -> None:
        self.assertEqual(self.emails(rule("list", "is_in", [self.course.id])), {"ana@example.pe"})
        self.assertEqual(
            self.emails(rule("list", "is_in", [str(self.course.code), self.news.id])),
            {"ana@example.pe", "luis@example.pe"},
        )

    def test_not_in_list_includes_contacts_in_no_list(self) -> None:
        self.assertEqual(
            self.emails(rule("list", "is_not_in", [self.course.id])),
            {"luis@example.pe", "rosa@example.pe", "nadie@example.org"},
        )

    def test_tags_by_id_or_name(self) -> None:
        self.assertEqual(
            self.emails(rule("tag", "is_in", ["vip"])), {"ana@example.pe", "rosa@example.pe"}
        )
        self.assertEqual(
            self.emails(rule("tag", "is_not_in", [self.vip.id])),
            {"luis@example.pe", "nadie@example.org"},
        )

    def test_nested_groups(self) -> None:
        # Subscribed and in the course, or (tagged vip and not subscribed).
        rules = {
            "match": "any",
            "rules": [
                {
                    "match": "all",
                    "rules": [
                        {"field": "status", "operator": "is", "value": ["subscribed"]},
                        {"field": "list", "operator": "is_in", "value": [self.course.id]},
                    ],
                },
                {
                    "match": "all",
                    "rules": [
                        {"field": "tag", "operator": "is_in", "value": ["vip"]},
                        {"field": "status", "operator": "is_not", "value": ["subscribed"]},
                    ],
                },
            ],
        }
        self.assertEqual(self.emails(rules), {"ana@example.pe", "rosa@example.pe"})
        rules["match"] = "all"
        self.assertEqual(self.emails(rules), set())

    def test_it_narrows_a_given_queryset_and_counts_each_contact_once(self) -> None:
        rules = rule("list", "is_in", [self.course.id, self.news.id])
        subscribed = Contact.objects.filter(status=Status.SUBSCRIBED)
        self.assertEqual(list(filter_contacts(rules, subscribed)), [self.ana])
        self.assertEqual(count_contacts(rules), 2)

    def test_to_q_selects_like_filter_contacts(self) -> None:
        q = to_q(rule("field:city", "contains", "lima"))
        self.assertEqual(
            set(Contact.objects.filter(q).values_list("email", flat=True)),
            {"ana@example.pe", "rosa@example.pe"},
        )
