"""Data the campaign tests share: a ready template (or one from the gallery), a sender, a
draft to a list."""

from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact, MailingList, Subscription
from pregon.content import gallery, starts
from pregon.content.models import EmailTemplate, Format
from pregon.sending.models import SenderIdentity

READY_HTML = (
    "<html><body><p>Hola {{ nombre | default('colega') }}.</p>"
    '<p><a href="{{ enlace_baja }}">Darte de baja</a></p></body></html>'
)


def template(name: str = "Aviso", html: str = READY_HTML) -> EmailTemplate:
    """A template; ready to send unless ``html`` fails a check (no unsubscribe link)."""
    result = EmailTemplate(name=name, format=Format.HTML)
    result.set_source(html)
    result.save()
    return result


def sender(email: str = "capacitacion@escuela.example.pe") -> SenderIdentity:
    return SenderIdentity.objects.get_or_create(
        from_email=email, defaults={"from_name": "Escuela de Capacitación"}
    )[0]


def mailing_list(name: str = "Participantes", count: int = 3) -> MailingList:
    """A list of ``count`` subscribed contacts, <name>0@example.pe…"""
    result = MailingList.objects.create(name=name)
    for n in range(count):
        contact = Contact.objects.create(email=f"{name.lower()}{n}@example.pe")
        Subscription.objects.create(contact=contact, mailing_list=result)
    return result


def draft(to: MailingList | None = None, **fields: object) -> Campaign:
    """A draft ready to schedule: subject, sender, ready template, and ``to`` as audience."""
    values = {
        "name": "Curso de diciembre",
        "subject": "Hola {{ nombre }}",
        "sender": sender(),
        "template": template(),
        **fields,
    }
    campaign = Campaign.objects.create(**values)
    if to is not None:
        campaign.include_lists.add(to)
    return campaign


def gallery_template(key: str) -> EmailTemplate:
    template, source = starts.from_gallery(gallery.get(key)) if key != "blank" else starts.blank()
    template.set_source(source)
    template.save()
    return template
