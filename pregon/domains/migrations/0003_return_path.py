from django.db import migrations, models


def keep_return_paths(apps, schema_editor) -> None:
    # Existing domains keep receiving bounces where they do today, on the From domain itself:
    # a subdomain nobody has published yet would lose every bounce. Their administrator
    # moves them to the proposed "rebotes." subdomain on the domain's page once published.
    SendingDomain = apps.get_model("domains", "SendingDomain")
    SendingDomain.objects.filter(return_path="").update(return_path=models.F("name"))


class Migration(migrations.Migration):
    dependencies = [
        ("domains", "0002_verification"),
    ]

    operations = [
        migrations.AddField(
            model_name="sendingdomain",
            name="return_path",
            field=models.CharField(blank=True, max_length=253, verbose_name="return-path domain"),
        ),
        migrations.RunPython(keep_return_paths, migrations.RunPython.noop),
    ]
