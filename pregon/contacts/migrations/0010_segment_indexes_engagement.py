from django.db import migrations, models

from pregon.contacts.segments.columns import field_expression, field_index_name

# The tag rule reads (tag, contact) alone, in contact order; the unique (contact, tag)
# serves what the one on contact_id did. Their names are Django's for the many-to-many
# table, the same on SQLite and PostgreSQL.
TAG_INDEXES = """
DROP INDEX IF EXISTS contacts_contact_tags_tag_id_84637693;
DROP INDEX IF EXISTS contacts_contact_tags_contact_id_ff2c136b;
CREATE INDEX contacts_contact_tags_tag_contact ON contacts_contact_tags (tag_id, contact_id);
"""
TAG_INDEXES_BEFORE = """
DROP INDEX IF EXISTS contacts_contact_tags_tag_contact;
CREATE INDEX contacts_contact_tags_tag_id_84637693 ON contacts_contact_tags (tag_id);
CREATE INDEX contacts_contact_tags_contact_id_ff2c136b ON contacts_contact_tags (contact_id);
"""

# A person's opens and clicks (tracking.models.Event.opening and clicking as they are now:
# an open or a click, no machine's) per contact, one grouped pass over the events.
LATEST = (
    "SELECT m.contact_id AS contact_id,"
    " MAX(e.at) AS opened_at,"
    " MAX(CASE WHEN e.kind = 'clicked' THEN e.at END) AS clicked_at"
    " FROM tracking_event e JOIN sending_message m ON m.id = e.message_id"
    " WHERE e.kind IN ('opened', 'clicked') AND e.machine = '' AND m.contact_id IS NOT NULL"
    " GROUP BY m.contact_id"
)


def field_indexes(apps, schema_editor):
    """An index for each custom field there is (new fields get theirs when created)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    Contact = apps.get_model("contacts", "Contact")
    for field in apps.get_model("contacts", "Field").objects.exclude(type="bool"):
        # On the expression its rules compiled to (contacts/0013 makes columns of them).
        index = models.Index(field_expression(field.key, field.type), name=field_index_name(field))
        schema_editor.add_index(Contact, index)


def backfill_engagement(apps, schema_editor):
    """Each contact's last open and last click, from the events so far."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "UPDATE contacts_contact SET last_opened_at = latest.opened_at,"
            f" last_clicked_at = latest.clicked_at FROM ({LATEST}) AS latest"
            " WHERE contacts_contact.id = latest.contact_id"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0009_contact_last_sent_at"),
        ("tracking", "0004_gmail_proxy_opens_are_people"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="contact", name="contacts_co_status_d675ed_idx"),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["status", "id"], name="contact_status"),
        ),
        migrations.RunSQL(TAG_INDEXES, TAG_INDEXES_BEFORE),
        migrations.RunPython(field_indexes, migrations.RunPython.noop),
        migrations.AddField(
            model_name="contact",
            name="last_clicked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last clicked at"),
        ),
        migrations.AddField(
            model_name="contact",
            name="last_opened_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last opened at"),
        ),
        migrations.RunPython(backfill_engagement, migrations.RunPython.noop),
    ]
