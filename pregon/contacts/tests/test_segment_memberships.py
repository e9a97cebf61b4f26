"""Lists and tags that must all hold are one nested EXISTS (``membership.in_all``): the
counts are those of the contacts' own lists and tags, however the rules combine them."""

from itertools import product

from pregon.contacts.models import Contact, MailingList, Status, Tag
from pregon.contacts.segments import count_contacts
from pregon.testing import BaseTestCase


def in_lists(*lists: MailingList) -> dict:
    return {"field": "list", "operator": "is_in", "value": [item.pk for item in lists]}


def tagged(*tags: Tag) -> dict:
    return {"field": "tag", "operator": "is_in", "value": [item.pk for item in tags]}


class MembershipRulesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.course, self.news = (MailingList.objects.create(name=n) for n in ("A", "B"))
        self.graduate, self.teacher = (Tag.objects.create(name=n) for n in ("g", "t"))
        # Every combination of the two lists, the two tags and two statuses.
        self.people = []
        for number, (lists, tags, status) in enumerate(
            product(
                [(), (self.course,), (self.news,), (self.course, self.news)],
                [(), (self.graduate,), (self.teacher,), (self.graduate, self.teacher)],
                [Status.SUBSCRIBED, Status.UNSUBSCRIBED],
            )
        ):
            contact = Contact.objects.create(email=f"p{number}@example.pe", status=status)
            contact.lists.add(*lists)
            contact.tags.add(*tags)
            self.people.append((set(lists), set(tags), status))

    def expected(self, test: object) -> int:
        return sum(1 for lists, tags, status in self.people if test(lists, tags, status))

    def test_lists_and_tags_that_must_all_hold(self) -> None:
        subscribed = {"field": "status", "operator": "is", "value": ["subscribed"]}
        not_in_news = {"field": "list", "operator": "is_not_in", "value": [self.news.pk]}
        cases = [
            (
                [subscribed, in_lists(self.course), tagged(self.graduate)],
                lambda ls, ts, s: (
                    s == Status.SUBSCRIBED and self.course in ls and self.graduate in ts
                ),
            ),
            (
                [in_lists(self.course), in_lists(self.news)],
                lambda ls, ts, s: {self.course, self.news} <= ls,
            ),
            (
                [in_lists(self.course, self.news), tagged(self.graduate), tagged(self.teacher)],
                lambda ls, ts, s: bool(ls) and {self.graduate, self.teacher} <= ts,
            ),
            (
                [tagged(self.teacher), not_in_news, in_lists(self.course)],
                lambda ls, ts, s: self.teacher in ts and self.news not in ls and self.course in ls,
            ),
        ]
        for conditions, test in cases:
            with self.subTest(conditions):
                rules = {"match": "all", "rules": conditions}
                self.assertEqual(count_contacts(rules), self.expected(test))

    def test_memberships_in_groups_that_any_of_may_hold(self) -> None:
        both = {"match": "all", "rules": [in_lists(self.news), tagged(self.teacher)]}
        rules = {"match": "any", "rules": [in_lists(self.course), tagged(self.graduate), both]}
        expected = self.expected(
            lambda ls, ts, s: (
                self.course in ls or self.graduate in ts or (self.news in ls and self.teacher in ts)
            )
        )
        self.assertEqual(count_contacts(rules), expected)
