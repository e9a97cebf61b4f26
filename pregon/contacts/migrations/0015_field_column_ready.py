from django.db import migrations, models

# Every field there is has its column already (0013 added them): only new fields on a large
# table wait for one (segments/columns.py).


def mark_ready(apps, schema_editor):
    apps.get_model("contacts", "Field").objects.update(column_ready=True)


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0014_field_index_created"),
    ]

    operations = [
        migrations.AddField(
            model_name="field",
            name="column_ready",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_ready, migrations.RunPython.noop),
    ]
