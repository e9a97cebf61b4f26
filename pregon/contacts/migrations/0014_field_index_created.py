from django.db import migrations

from pregon.contacts.segments.columns import add_field_index, field_index_name

# Each custom field's index also carries the contact's creation date (segments/columns.py):
# made again, one field at a time, in one transaction, unless it has it already (0013 made
# it with segments/columns.py as it is now). The reverse makes them as 0013 did.


def with_created(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in apps.get_model("contacts", "Field").objects.exclude(type="bool"):
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef LIKE '%%INCLUDE (created_at)' FROM pg_indexes"
                " WHERE indexname = %s",
                [field_index_name(field)],
            )
            made = cursor.fetchone()
        if made and made[0]:
            continue
        schema_editor.execute(f"DROP INDEX IF EXISTS {field_index_name(field)}")
        add_field_index(field, schema_editor)


def without_created(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in apps.get_model("contacts", "Field").objects.exclude(type="bool"):
        index = field_index_name(field)
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute(
            f"CREATE INDEX {index} ON contacts_contact (field_{field.pk}, id, status)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0013_field_columns"),
    ]

    operations = [
        migrations.RunPython(with_created, without_created),
    ]
