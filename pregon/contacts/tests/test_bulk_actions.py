from pregon.accounts.models import AuditAction, AuditEntry
from pregon.contacts.models import Contact, MailingList, Status, Subscription, Tag
from pregon.testing import BaseTestCase

URL = "/contactos/acciones/"


class BulkActionsTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.course = MailingList.objects.create(name="Curso")
        self.other = MailingList.objects.create(name="Boletín")
        self.ana = Contact.objects.create(email="ana@example.pe")
        self.luis = Contact.objects.create(email="luis@example.pe")
        self.rosa = Contact.objects.create(email="rosa@minedu.gob.pe", status=Status.BOUNCED)
        Subscription.objects.create(contact=self.ana, mailing_list=self.course)

    def post(self, **data: object) -> object:
        self.client.force_login(self.bob)
        return self.client.post(URL, data)

    def members(self, mailing_list: MailingList) -> set[str]:
        return set(mailing_list.contacts.values_list("email", flat=True))

    def test_it_redirects_anonymous_users_to_login(self) -> None:
        response = self.client.post(URL, {"action": "delete", "scope": "all"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/cuenta/entrar/", response["Location"])
        self.assertEqual(Contact.objects.count(), 3)

    def test_analysts_get_403(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.post(URL, {"action": "unsubscribe", "scope": "all"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Contact.objects.filter(status=Status.UNSUBSCRIBED).exists())

    def test_it_rejects_get(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(URL).status_code, 405)

    def test_it_adds_selected_contacts_to_a_list(self) -> None:
        response = self.post(
            action="add_to_list",
            scope="selected",
            contacts=[self.ana.code, self.luis.code],
            mailing_list=self.course.code,
        )
        self.assertRedirects(response, "/contactos/")
        self.assertEqual(self.members(self.course), {"ana@example.pe", "luis@example.pe"})
        self.assertEqual(Subscription.objects.count(), 2)
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertEqual(messages, ["1 contact added to the list “Curso”."])

    def test_it_acts_on_all_contacts_matching_the_filter(self) -> None:
        response = self.post(
            action="add_to_list", scope="all", q="example.pe", mailing_list=self.other.code
        )
        self.assertRedirects(response, "/contactos/?q=example.pe")
        self.assertEqual(self.members(self.other), {"ana@example.pe", "luis@example.pe"})

    def test_all_matching_an_unknown_list_touches_nothing(self) -> None:
        self.post(
            action="delete",
            scope="all",
            list="00000000-0000-0000-0000-000000000000",
            confirmed="1",
        )
        self.assertEqual(Contact.objects.count(), 3)

    def test_it_removes_contacts_from_a_list(self) -> None:
        Subscription.objects.create(contact=self.luis, mailing_list=self.course)
        Subscription.objects.create(contact=self.luis, mailing_list=self.other)
        self.post(
            action="remove_from_list",
            scope="all",
            list=self.course.code,
            mailing_list=self.course.code,
        )
        self.assertEqual(self.members(self.course), set())
        self.assertEqual(self.members(self.other), {"luis@example.pe"})
        self.assertEqual(Contact.objects.count(), 3)

    def test_it_adds_a_tag_creating_it_if_new(self) -> None:
        existing = Tag.objects.create(name="2024")
        self.luis.tags.add(existing)
        self.post(action="add_tag", scope="all", tag_name=" 2024 ")
        self.post(action="add_tag", scope="selected", contacts=[self.ana.code], tag_name="nuevo")
        self.assertEqual(existing.contacts.count(), 3)
        self.assertEqual(set(Tag.objects.get(name="nuevo").contacts.all()), {self.ana})

    def test_unsubscribe_keeps_bounced_contacts_bounced(self) -> None:
        response = self.post(action="unsubscribe", scope="all")
        statuses = dict(Contact.objects.values_list("email", "status"))
        self.assertEqual(
            statuses,
            {
                "ana@example.pe": Status.UNSUBSCRIBED,
                "luis@example.pe": Status.UNSUBSCRIBED,
                "rosa@minedu.gob.pe": Status.BOUNCED,
            },
        )
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertEqual(messages, ["2 contacts unsubscribed."])

    def test_delete_asks_for_confirmation_first(self) -> None:
        response = self.post(action="delete", scope="all", status="subscribed")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Delete 2 contacts with their lists, tags and consent")
        self.assertContains(response, '<input type="hidden" name="status" value="subscribed">')
        self.assertContains(response, '<input type="hidden" name="confirmed" value="1">')
        self.assertEqual(Contact.objects.count(), 3)
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.DELETION).exists())

    def test_confirmed_delete_removes_contacts_and_is_audited(self) -> None:
        self.luis.tags.add(Tag.objects.create(name="vip"))
        response = self.post(action="delete", scope="all", status="subscribed", confirmed="1")
        self.assertRedirects(response, "/contactos/?status=subscribed")
        self.assertEqual(
            list(Contact.objects.values_list("email", flat=True)), ["rosa@minedu.gob.pe"]
        )
        self.assertFalse(Subscription.objects.exists())
        self.assertFalse(Contact.tags.through.objects.exists())
        entry = AuditEntry.objects.get(action=AuditAction.DELETION)
        self.assertEqual(entry.actor, self.bob)
        self.assertEqual(entry.detail["count"], 2)
        self.assertEqual(entry.detail["filter"], {"status": "subscribed"})

    def test_it_deletes_more_contacts_than_one_chunk(self) -> None:
        Contact.objects.bulk_create(Contact(email=f"c{n}@example.com") for n in range(2345))
        self.post(action="delete", scope="all", q="example.com", confirmed="1")
        self.assertEqual(Contact.objects.count(), 3)
        self.assertEqual(AuditEntry.objects.get().detail["count"], 2345)

    def test_it_explains_what_is_missing(self) -> None:
        cases = [
            ({"action": "unsubscribe", "scope": "selected"}, "Select at least one contact first."),
            (
                {"action": "add_to_list", "scope": "selected", "contacts": [self.ana.code]},
                "Choose a list for this action.",
            ),
            (
                {"action": "add_tag", "scope": "all", "tag_name": "a,b"},
                "Write the name of the tag to add (no commas).",
            ),
            (
                {"action": "unsubscribe", "scope": "selected", "contacts": ["nope"]},
                "The selection is not valid; reload the page.",
            ),
        ]
        self.client.force_login(self.bob)
        for data, message in cases:
            with self.subTest(message=message):
                response = self.client.post(URL, data, follow=True)
                self.assertEqual(response.redirect_chain, [("/contactos/", 302)])
                self.assertEqual([str(m) for m in response.context["messages"]], [message])
        self.assertFalse(Contact.objects.filter(status=Status.UNSUBSCRIBED).exists())
