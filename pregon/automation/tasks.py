"""Background tasks of automation: thin wrappers that take ids (see STYLE.md §3)."""

from django.core.mail import send_mail
from django_tasks import task

from pregon.contacts.models import Contact


@task()
def notify_staff(emails: list[str], subject: str, text: str, contact_id: int) -> None:
    """Email staff ``text``, followed by who the contact is (a workflow's notify step).

    Queued in the step's transaction, so it is sent once the step is on record, and only then.
    """
    contact = Contact.objects.filter(pk=contact_id).first()
    if contact is not None:
        text = f"{text}\n\n{contact.full_name} <{contact.email}>".strip()
    send_mail(subject, text, None, emails)
