"""A whole install's worth of data, and a summary of it, for the backup tests: they run
``seed`` in one install and ``summary`` in the install restored from its backup, each in a
process of its own (``python -m pregon.operations.tests.installs seed|summary``)."""

import dataclasses
import datetime
import email.message
import json
import os
import sys

import django


def seed() -> None:
    """A contact with consent, a custom field, a list and a tag; a template; a sent
    campaign with messages, bounces and events (pregon.testing.reports); a sending domain
    with its DKIM keys; an uploaded file in the media folder."""
    from django.core.files.base import ContentFile

    from pregon.contacts.models import Contact, Field, MailingList, Subscription, Tag
    from pregon.content.models import Asset
    from pregon.testing import drafts, reports

    reports.reported_campaign()
    drafts.template("Boletín de marzo", drafts.READY_HTML.replace("Hola", "Saludos"))
    Field.objects.create(key="region", label="Región", type="text")
    contact = Contact.objects.create(
        email="ana.quispe@example.pe",
        first_name="Ana",
        last_name="Quispe",
        attributes={"region": "Cusco"},
        consent_source="form",
        consent_at=datetime.datetime(2026, 3, 1, 14, 0, tzinfo=datetime.UTC),
        consent_ip="203.0.113.7",
        consent_text="Acepto recibir las novedades de la Escuela.",
    )
    Subscription.objects.create(
        contact=contact, mailing_list=MailingList.objects.create(name="Boletín")
    )
    contact.tags.add(Tag.objects.create(name="docentes"))
    asset = Asset(name="logo", content_type="image/png", width=1, height=1, size=24)
    asset.file.save("logo.png", ContentFile(b"\x89PNG not really an image"), save=False)
    asset.save()


def summary() -> dict:
    """What the tests compare between an install and its restored copy."""
    import dkim

    from pregon.campaigns.models import Campaign
    from pregon.contacts.models import Contact
    from pregon.content.models import Asset, EmailTemplate
    from pregon.domains.models import SendingDomain
    from pregon.lib.dkim import sign_message
    from pregon.reports.stats import figures

    ana = Contact.objects.get(email="ana.quispe@example.pe")
    campaign = Campaign.objects.get(name="Curso de diciembre")
    domain = SendingDomain.objects.get()
    records = {
        f"{key.selector}._domainkey.{domain.name}.".encode(): key.dns_value.encode()
        for key in domain.keys.all()
    }
    message = email.message.EmailMessage()
    message["From"] = f"capacitacion@{domain.name}"
    message["To"] = ana.email
    message["Subject"] = "Prueba"
    message.set_content("Hola")
    signed = sign_message(message.as_bytes(), domain.signers())
    verified = [
        dkim.DKIM(signed).verify(index, dnsfunc=lambda name, timeout=5: records[name])
        for index in range(len(domain.signers()))
    ]
    asset = Asset.objects.get()
    return {
        "contacts": sorted(Contact.objects.values_list("email", flat=True)),
        "ana": [
            ana.status,
            ana.attributes,
            ana.consent_source,
            ana.consent_at.isoformat(),
            ana.consent_ip,
            ana.consent_text,
            list(ana.lists.values_list("name", flat=True)),
            list(ana.tags.values_list("name", flat=True)),
        ],
        "templates": sorted(EmailTemplate.objects.values_list("name", "html")),
        "figures": json.loads(json.dumps(dataclasses.asdict(figures(campaign.mailing)))),
        "dkim_selectors": sorted(domain.keys.values_list("selector", flat=True)),
        "dkim_verified": verified,
        "asset": asset.file.read().decode(errors="replace"),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pregon.settings")
    django.setup()
    if sys.argv[1] == "seed":
        seed()
    else:
        print(json.dumps(summary()))
