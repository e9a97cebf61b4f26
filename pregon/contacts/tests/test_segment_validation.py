from django.test import TestCase
from django.utils import translation

from pregon.contacts.models import Field, FieldType, MailingList, Tag
from pregon.contacts.segments import count_contacts, validate_rules
from pregon.contacts.segments.validation import MAX_CONDITIONS


def rule(field: str, operator: str, value: object = None) -> dict:
    return {"match": "all", "rules": [{"field": field, "operator": operator, "value": value}]}


class SegmentValidationTestCase(TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))
        Field.objects.create(key="age", label="Age", type=FieldType.NUMBER)
        Field.objects.create(key="alumni", label="Alumni", type=FieldType.BOOLEAN)
        self.course = MailingList.objects.create(name="Curso virtual")
        self.vip = Tag.objects.create(name="vip")
        self.year = Tag.objects.create(name="2024")

    def assertInvalid(self, rules: object, message: str) -> None:
        with self.assertRaisesMessage(ValueError, message):
            validate_rules(rules)

    def test_it_normalises_values(self) -> None:
        rules = {
            "match": "any",
            "rules": [
                {"field": "list", "operator": "is_in", "value": str(self.course.code)},
                {"field": "tag", "operator": "is_not_in", "value": ["vip", self.vip.id, "2024"]},
                {"field": "field:age", "operator": "at_least", "value": " 18 "},
                {"field": "field:alumni", "operator": "is_yes", "value": "ignored"},
                {"field": "created_at", "operator": "in_last_days", "value": "90"},
                {"match": "all", "rules": []},
            ],
        }
        self.assertEqual(
            validate_rules(rules),
            {
                "match": "any",
                "rules": [
                    {"field": "list", "operator": "is_in", "value": [self.course.id]},
                    {"field": "tag", "operator": "is_not_in", "value": [self.vip.id, self.year.id]},
                    {"field": "field:age", "operator": "at_least", "value": 18},
                    {"field": "field:alumni", "operator": "is_yes", "value": None},
                    {"field": "created_at", "operator": "in_last_days", "value": 90},
                ],
            },
        )

    def test_unknown_field(self) -> None:
        self.assertInvalid(rule("shoe_size", "equals", "42"), "Unknown field “shoe_size”.")
        self.assertInvalid(rule("field:shoe", "equals", "42"), "Unknown custom field “shoe”.")

    def test_operator_that_does_not_fit_the_field(self) -> None:
        self.assertInvalid(
            rule("field:age", "contains", "4"), "“contains” is not an operator for the field “Age”."
        )
        # Every contact has an email address, so "is empty" is not offered for it.
        self.assertInvalid(
            rule("email", "is_empty"),
            "“is_empty” is not an operator for the field “Email address”.",
        )

    def test_bad_values_name_the_condition(self) -> None:
        self.assertInvalid(
            rule("field:age", "less_than", "many"), "Condition on “Age”: enter a number."
        )
        self.assertInvalid(
            rule("created_at", "on", "15/06/2025"),
            "Condition on “Created”: enter a date as YYYY-MM-DD.",
        )
        self.assertInvalid(
            rule("created_at", "between", ["2025-06-15", "2025-06-01"]),
            "Condition on “Created”: the first date is after the second.",
        )
        self.assertInvalid(
            rule("created_at", "in_last_days", 0),
            "Condition on “Created”: enter a whole number of days between 1 and 36500.",
        )
        self.assertInvalid(
            rule("first_name", "equals", "  "),
            "Condition on “First name”: enter a text (to find empty values, use “is empty”).",
        )
        self.assertInvalid(
            rule("status", "is", []), "Condition on “Status”: choose at least one value."
        )
        self.assertInvalid(
            rule("status", "is", ["asleep"]), "Condition on “Status”: unknown value “asleep”."
        )

    def test_unknown_lists_and_tags(self) -> None:
        self.assertInvalid(
            rule("list", "is_in", [9999]), "Condition on “List”: unknown list “9999”."
        )
        self.assertInvalid(
            rule("list", "is_in", ["not-a-code"]), "Condition on “List”: unknown list “not-a-code”."
        )
        self.assertInvalid(
            rule("tag", "is_in", ["gold"]), "Condition on “Tag”: unknown tag “gold”."
        )

    def test_structure(self) -> None:
        self.assertInvalid({"match": "some", "rules": []}, "match “all” or “any”")
        self.assertInvalid({"match": "all", "rules": "status"}, "A group's rules must be a list.")
        self.assertInvalid({"match": "all", "rules": [["status"]]}, "must be a condition")
        self.assertInvalid(["status"], "match “all” or “any”")

    def test_depth_limit(self) -> None:
        condition = {"field": "status", "operator": "is", "value": ["subscribed"]}
        rules = {"match": "all", "rules": [condition]}
        for _level in range(3):
            rules = {"match": "any", "rules": [rules]}
        self.assertEqual(validate_rules(rules)["match"], "any")  # Four levels are fine.
        self.assertInvalid({"match": "all", "rules": [rules]}, "at most 4 levels deep")

    def test_condition_limit(self) -> None:
        condition = {"field": "status", "operator": "is", "value": ["subscribed"]}
        rules = {"match": "all", "rules": [condition] * (MAX_CONDITIONS + 1)}
        self.assertInvalid(rules, f"at most {MAX_CONDITIONS} conditions")

    def test_count_refuses_rules_naming_a_deleted_list(self) -> None:
        rules = rule("list", "is_not_in", [self.course.id])
        self.assertEqual(count_contacts(rules), 0)
        self.course.delete()
        with self.assertRaisesMessage(ValueError, "unknown list"):
            count_contacts(rules)
