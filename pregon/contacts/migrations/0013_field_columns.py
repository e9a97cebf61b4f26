from django.db import migrations, models

from pregon.contacts.segments.columns import (
    add_field_column,
    field_expression,
    field_index_name,
    remove_field_column,
    vacuum_contacts,
)

# Each custom field's index on its expression becomes a stored generated column with an
# index (segments/columns.py): one rewrite of the contacts' table per text, number or date
# field, in one transaction; then a vacuum, which no transaction may hold (the migration is
# not atomic for it).


def field_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for field in apps.get_model("contacts", "Field").objects.exclude(type="bool"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {field_index_name(field)}")
        add_field_column(field, schema_editor)


def vacuum(apps, schema_editor):
    rewritten = apps.get_model("contacts", "Field").objects.exclude(type="bool").exists()
    if schema_editor.connection.vendor == "postgresql" and rewritten:
        vacuum_contacts()


def field_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Contact = apps.get_model("contacts", "Contact")
    for field in apps.get_model("contacts", "Field").objects.exclude(type="bool"):
        remove_field_column(field)
        index = models.Index(field_expression(field.key, field.type), name=field_index_name(field))
        schema_editor.add_index(Contact, index)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("contacts", "0012_contact_last_opened_index"),
    ]

    operations = [
        migrations.RunPython(field_columns, field_indexes, atomic=True),
        migrations.RunPython(vacuum, migrations.RunPython.noop),
    ]
