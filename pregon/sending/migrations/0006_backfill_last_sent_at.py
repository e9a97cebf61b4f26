from django.db import migrations
from django.db.models import Max, OuterRef, Subquery


def backfill(apps, schema_editor):
    """Each contact's last email accepted by a relay, from the messages sent so far."""
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
