from django.db import migrations, models


def propose_return_paths(apps, schema_editor) -> None:
    # Existing domains get the subdomain the wizard now proposes; their next verification
    # shows its MX and SPF to publish. DKIM keeps DMARC passing meanwhile.
    SendingDomain = apps.get_model("domains", "SendingDomain")
    for domain in SendingDomain.objects.filter(return_path=""):
        domain.return_path = f"rebotes.{domain.name}"
        domain.save(update_fields=["return_path"])


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
        migrations.RunPython(propose_return_paths, migrations.RunPython.noop),
    ]
