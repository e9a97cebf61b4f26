"""Opens through Gmail's image proxy were flagged "gmail_proxy", a machine's. The proxy
fetches only when a person opens the message (pregon.tracking.agents): they become that
person's opens, in Gmail, with the device unknown (the proxy names an old Windows of
its own)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def people_opened(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    event = apps.get_model("tracking", "Event")
    event.objects.filter(machine="gmail_proxy").update(machine="", client="Gmail", device="")


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0003_bouncemailbox"),
    ]

    operations = [
        migrations.RunPython(people_opened, migrations.RunPython.noop),
    ]
