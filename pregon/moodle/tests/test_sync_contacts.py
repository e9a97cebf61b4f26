import datetime

from pregon.contacts.models import ConsentSource, Contact, MailingList, Status
from pregon.lib import events
from pregon.moodle.models import SyncKind, SyncStatus
from pregon.testing import BaseTestCase
from pregon.testing.moodle_sync import connect, sync_now
from pregon.testing.moodle_ws import Category, Course, Dataset, Enrolment, FakeMoodle, User
from pregon.webhooks.models import Delivery, Endpoint

CONSENTED = datetime.datetime(2025, 5, 1, 9, 30, tzinfo=datetime.UTC)


class SyncContactsTestCase(BaseTestCase):
    """Moodle users as contacts: matched by email, names by the connection's rule, and
    never a change to status or consent."""

    def setUp(self) -> None:
        super().setUp()
        self.dataset = Dataset(
            categories=[Category(1, "Gestión pública")],
            courses=[Course(10, "Ética", "ETICA", 1)],
            users=[
                User(100, "ana", "Ana", "Quispe Mamani", "ANA@example.pe"),
                User(101, "luis", "Luis", "Huamán", "luis@example.pe"),
                User(102, "rosa", "Rosa", "Flores", "rosa@example.pe"),
            ],
            enrolments=[Enrolment(100, 10), Enrolment(101, 10), Enrolment(102, 10)],
        )
        self.moodle = self.enterContext(FakeMoodle(self.dataset))
        self.newsletter = MailingList.objects.create(name="Boletín")
        # Ana gave her own first name, and unsubscribed; Luis bounced.
        self.ana = Contact.objects.create(
            email="ana@example.pe",
            first_name="Anita",
            status=Status.UNSUBSCRIBED,
            consent_source=ConsentSource.FORM,
            consent_text="Acepto recibir el boletín.",
            consent_at=CONSENTED,
            consent_ip="203.0.113.9",
        )
        self.ana.lists.add(self.newsletter)
        self.luis = Contact.objects.create(
            email="luis@example.pe", first_name="Luis", last_name="Huamán", status=Status.BOUNCED
        )

    def consent(self, contact: Contact) -> tuple:
        contact.refresh_from_db()
        return (
            contact.status,
            contact.consent_source,
            contact.consent_text,
            contact.consent_at,
            contact.consent_ip,
            list(contact.lists.all()),
        )

    def test_names_are_filled_in_only_where_empty(self) -> None:
        connect(self.moodle)

        run = sync_now()

        self.assertEqual(run.status, SyncStatus.DONE, run.error)
        self.ana.refresh_from_db()
        self.assertEqual((self.ana.first_name, self.ana.last_name), ("Anita", "Quispe Mamani"))
        self.assertEqual(run.counts["contacts"], {"created": 1, "updated": 1, "unchanged": 1})

    def test_moodle_may_be_the_source_of_truth_for_names(self) -> None:
        connect(self.moodle, names_from_moodle=True)

        sync_now()

        self.ana.refresh_from_db()
        self.assertEqual((self.ana.first_name, self.ana.last_name), ("Ana", "Quispe Mamani"))

    def test_status_consent_and_lists_are_never_changed(self) -> None:
        connect(self.moodle, names_from_moodle=True)
        before = self.consent(self.ana), self.consent(self.luis)

        sync_now()
        self.dataset.change_email(102, "ana@example.pe")  # Rosa's account, Ana's address.
        sync_now(SyncKind.FULL)

        self.assertEqual((self.consent(self.ana), self.consent(self.luis)), before)

    def test_new_contacts_follow_the_connection(self) -> None:
        connect(self.moodle, subscribe_new_contacts=False)

        sync_now()

        rosa = Contact.objects.get(email="rosa@example.pe")
        self.assertEqual(
            (rosa.status, rosa.consent_source, rosa.consent_at, rosa.first_name),
            (Status.UNSUBSCRIBED, ConsentSource.MOODLE, None, "Rosa"),
        )

    def test_created_and_updated_contacts_are_announced(self) -> None:
        Endpoint.objects.create(
            url="https://hooks.example.org/contacts",
            events=[events.CONTACT_CREATED, events.CONTACT_UPDATED],
        )
        connect(self.moodle)

        sync_now()

        rosa = Contact.objects.get(email="rosa@example.pe")
        self.assertEqual(
            sorted((d.event, d.payload["contact"]) for d in Delivery.objects.all()),
            [(events.CONTACT_CREATED, rosa.pk), (events.CONTACT_UPDATED, self.ana.pk)],
        )
