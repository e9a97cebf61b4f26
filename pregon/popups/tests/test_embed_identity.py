"""A click from an email identifies the visitor on the classroom: the embed script keeps the
token the tracked link brought, a segment-targeted pop-up then shows, and its events belong
to the contact; without the token, or with a forged one, it does not show."""

import pytest

from pregon.contacts.models import Segment
from pregon.popups.models import Audience, PopupEvent, PopupEventKind
from pregon.testing.moodle import COURSE, ClassroomTestCase
from pregon.testing.popup_public import identity_token, sent_message

COURSE_PAGE = f"/course/view.php?id={COURSE}"


@pytest.mark.browser
class IdentityTestCase(ClassroomTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.message = sent_message()
        self.contact = self.message.contact
        rules = {
            "match": "all",
            "rules": [{"field": "email", "operator": "equals", "value": self.contact.email}],
        }
        segment = Segment.objects.create(name="Docentes de Cusco", rules=rules)
        self.targeted = self.popup(
            name="Para docentes", audience=Audience.KNOWN, segment=segment, priority=20
        )
        self.strangers = self.popup(name="Para quien no conocemos", audience=Audience.UNKNOWN)

    def test_a_click_from_an_email_identifies_the_visitor(self) -> None:
        self.visit(COURSE_PAGE)
        self.assertEqual(self.shown(), self.strangers.pk)

        token = identity_token(self.message)
        page = self.visit(f"{COURSE_PAGE}&pregon={token}", self.new_page())
        self.assertEqual(self.shown(page), self.targeted.pk)
        self.assertEqual(page.evaluate("() => localStorage.getItem('pregon-identity')"), token)
        # Later, in a new session, the classroom's storage still knows the visitor.
        page = self.visit("/my/", self.new_page())
        self.assertEqual(self.shown(page), self.targeted.pk)

        self.wait_for_answers("/p/b/", 3)
        self.assertEqual(self.counts(self.targeted), {PopupEventKind.VIEWED: 2})
        views = PopupEvent.objects.filter(popup=self.targeted, kind=PopupEventKind.VIEWED)
        self.assertEqual([event.contact for event in views], [self.contact, self.contact])
        stranger_view = PopupEvent.objects.get(popup=self.strangers)
        self.assertIsNone(stranger_view.contact)

    def test_a_forged_token_identifies_nobody(self) -> None:
        token = identity_token(self.message)
        forged = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
        self.visit(f"{COURSE_PAGE}&pregon={forged}")
        self.assertEqual(self.shown(), self.strangers.pk)
        self.assertIsNone(self.page.evaluate("() => localStorage.getItem('pregon-identity')"))
