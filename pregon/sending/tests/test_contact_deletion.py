from django.test import TestCase

from pregon.campaigns import scheduling
from pregon.contacts import bulk
from pregon.contacts.models import Contact
from pregon.sending.models import Message
from pregon.testing.campaigns import campaign_to, contacts_on_a_list


class ContactDeletionTestCase(TestCase):
    def test_messages_outlive_their_deleted_contacts(self) -> None:
        campaign_to(contacts_on_a_list(3))
        scheduling.start_due_campaigns()
        deleted = bulk.delete_contacts(Contact.objects.filter(email="persona0001@example.pe"))
        self.assertEqual(deleted, 1)
        message = Message.objects.get(email="persona0001@example.pe")
        self.assertIsNone(message.contact)
        self.assertEqual(Message.objects.filter(contact__isnull=False).count(), 2)
