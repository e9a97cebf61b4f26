"""Finding contacts: the words of a search box, and the list and tag filters of the contact
list. The contact list, the API's contact list and the test send's choice of a sample person
narrow a queryset of contacts with these, so all three find the same people.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from pregon.contacts.bulk import ContactTag
from pregon.contacts.models import Contact, MailingList, Subscription, Tag


def search(contacts: QuerySet[Contact], text: str) -> QuerySet[Contact]:
    """Contacts where every word of ``text`` is in the email, a name or the phone."""
    for word in text.split():
        match = (
            Q(email__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
        digits = "".join(c for c in word if c.isdigit())
        if len(digits) >= 3:
            # Phones are stored in E.164 (+51…); match the digits however they were typed.
            match |= Q(phone__contains=digits)
        contacts = contacts.filter(match)
    return contacts


def in_list(contacts: QuerySet[Contact], mailing_list: MailingList) -> QuerySet[Contact]:
    """The contacts of ``contacts`` subscribed to ``mailing_list``."""
    member = Subscription.objects.filter(contact=OuterRef("pk"), mailing_list=mailing_list)
    return contacts.filter(Exists(member))


def with_tag(contacts: QuerySet[Contact], tag: Tag) -> QuerySet[Contact]:
    """The contacts of ``contacts`` tagged ``tag``."""
    return contacts.filter(Exists(ContactTag.objects.filter(contact=OuterRef("pk"), tag=tag)))
