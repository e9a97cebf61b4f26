from django.db import migrations, models

import pregon.contacts.models

# The status rule from two partial indexes (Contact.Meta): the subscribed contacts' ids
# alone (on SQLite with the status: SubscribedIndex), and (status, id) for the others. Added before the old index goes, so that no
# moment is without one.


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0016_contact_last_clicked_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=pregon.contacts.models.SubscribedIndex(
                condition=models.Q(("status", "subscribed")),
                fields=["id"],
                name="contact_subscribed",
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("status", "subscribed"), _negated=True),
                fields=["status", "id"],
                name="contact_other_status",
            ),
        ),
        migrations.RemoveIndex(
            model_name="contact",
            name="contact_status",
        ),
    ]
