"""What the sending tests share: contacts on a list, a ready template, a campaign, the
gallery's course design, and a sender process's loop."""

from django.utils import timezone

from pregon.campaigns.models import Campaign
from pregon.contacts.models import Contact, MailingList, Subscription
from pregon.content import starts
from pregon.content.models import EmailTemplate, Format
from pregon.sending import engine, quota
from pregon.sending.models import SenderIdentity

HTML = (
    "<html><body><p>Hola {{ nombre | default('colega') }}, te escribe la Escuela.</p>"
    '<p><a href="https://aula.example.gob.pe/curso">Inscríbete</a></p>'
    '<p><a href="{{ enlace_baja }}">Darte de baja</a></p></body></html>'
)


def contacts_on_a_list(count: int, name: str = "Participantes") -> MailingList:
    """``count`` subscribed contacts, persona0001@example.pe…, on a new list."""
    mailing_list = MailingList.objects.create(name=name)
    Contact.objects.bulk_create(
        Contact(
            email=f"persona{n:04d}@example.pe",
            first_name=f"Nombre{n:04d}",
            last_name="Quispe",
        )
        for n in range(count)
    )
    Subscription.objects.bulk_create(
        Subscription(contact=contact, mailing_list=mailing_list)
        for contact in Contact.objects.filter(email__startswith="persona")
    )
    return mailing_list


def campaign_to(mailing_list: MailingList, subject: str = "Hola {{ nombre }}") -> Campaign:
    """A campaign of a ready template to ``mailing_list``, scheduled for now."""
    quota.ensure_plan()
    template = EmailTemplate(name="Aviso", format=Format.HTML)
    template.set_source(HTML)
    template.save()
    sender, _ = SenderIdentity.objects.get_or_create(
        from_email="capacitacion@escuela.example.pe",
        defaults={
            "from_name": "Escuela de Capacitación",
            "reply_to": "consultas@escuela.example.pe",
        },
    )
    campaign = Campaign.objects.create(
        name="Curso de diciembre", subject=subject, sender=sender, template=template
    )
    campaign.include_lists.add(mailing_list)
    campaign.schedule(timezone.now())
    return campaign


def course_template() -> EmailTemplate:
    """The gallery's course design, saved as a template."""
    template, source = starts.from_gallery(starts.gallery.get("curso"))
    template.set_source(source)
    template.save()
    return template


def course_campaign(name: str, subject: str, **fields: object) -> Campaign:
    """A campaign of the course design from the school's sender, with the plan in place;
    ``fields`` go to the campaign (preheader, tracking…). Not scheduled."""
    quota.ensure_plan()
    sender, _ = SenderIdentity.objects.get_or_create(
        from_email="capacitacion@escuela.example.pe",
        defaults={"from_name": "Escuela de Capacitación"},
    )
    return Campaign.objects.create(
        name=name, subject=subject, sender=sender, template=course_template(), **fields
    )


def send_all(batch: int = engine.BATCH_SIZE) -> None:
    """What a sender process does, until nothing is due: claim, send, record."""
    worker = engine.Worker()
    try:
        while engine.send_batch(worker, batch):
            pass
    finally:
        worker.close()
