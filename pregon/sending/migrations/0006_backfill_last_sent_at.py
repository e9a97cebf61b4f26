from django.db import migrations
from django.db.models import Max, OuterRef, Subquery


def backfill(apps, schema_editor):
    """Each contact's last email accepted by a relay, from the messages sent so far."""
    if schema_editor.connection.vendor == "postgresql":
        # One grouped pass over the messages and a hash join, not a subquery per contact:
        # minutes become seconds on millions of messages.
        schema_editor.execute(
            "UPDATE contacts_contact SET last_sent_at = sent.at FROM ("
            "SELECT contact_id, MAX(sent_at) AS at FROM sending_message "
            "WHERE status = 'sent' AND contact_id IS NOT NULL GROUP BY contact_id"
            ") AS sent WHERE contacts_contact.id = sent.contact_id"
        )
        return
    Contact = apps.get_model("contacts", "Contact")
    Message = apps.get_model("sending", "Message")
    last = (
        Message.objects.filter(contact_id=OuterRef("pk"), status="sent")
        .order_by()
        .values("contact_id")
        .annotate(at=Max("sent_at"))
        .values("at")
    )
    Contact.objects.filter(last_sent_at__isnull=True).update(last_sent_at=Subquery(last))


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0009_contact_last_sent_at"),
        ("sending", "0005_transactional_skips_frequency_cap"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
