from django.db import migrations, models

# The segment rules "clicked in the last N days" and "ever" read this index alone (Contact.Meta).


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0015_field_column_ready"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                condition=models.Q(("last_clicked_at__isnull", False)),
                fields=["last_clicked_at", "status", "id"],
                name="contact_last_clicked",
            ),
        ),
    ]
