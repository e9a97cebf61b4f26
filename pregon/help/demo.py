"""Realistic Spanish demo data for a fresh instance: what the video tutorials show.

A public training office, the "Escuela de Contrataciones Públicas" (capacitacion.gob.pe):
some 2,000 participants with Peruvian names on its lists, with tags and custom fields; its
sender and sending domain; templates from the gallery; two campaigns already sent, with
the opens, clicks, bounces, unsubscribes and enrolments that followed; one scheduled and
one draft; a segment, a pop-up for the virtual classroom, a workflow and a signup form.

``seed()`` fills an empty database; ``pregon demo`` calls it. Nothing goes out: with no
delivery backend set up, test sends land in the test mailbox (var/outbox).
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from pregon.accounts.models import Role, User
from pregon.automation import engine as automation_engine
from pregon.automation import entry, library, lifecycle
from pregon.automation.models import Workflow
from pregon.campaigns import scheduling
from pregon.campaigns.models import Campaign, CampaignStatus
from pregon.contacts import segments
from pregon.contacts.models import (
    ConsentSource,
    Contact,
    Field,
    FieldType,
    MailingList,
    Segment,
    Status,
    Subscription,
    Suppression,
    SuppressionReason,
    Tag,
)
from pregon.content import gallery, starts
from pregon.content.models import BrandKit, EmailTemplate
from pregon.forms.models import SignupForm
from pregon.popups import gallery as popup_gallery
from pregon.popups.models import Popup, PopupEvent, PopupEventKind, Site
from pregon.sending import quota
from pregon.sending.models import (
    Bounce,
    BounceCause,
    BounceKind,
    BounceSource,
    MailingStatus,
    Message,
    MessageStatus,
    QuotaDebit,
    QuotaSettings,
    SenderIdentity,
)
from pregon.tracking import engagement
from pregon.tracking.models import Event, EventKind

PASSWORD = "demo-capacitacion-2026"
# Who signs in, by the role a tutorial's script names.
USERS = {
    "admin": "admin@capacitacion.gob.pe",
    "editor": "editora@capacitacion.gob.pe",
    "analyst": "analista@capacitacion.gob.pe",
}
NAMES = {"admin": "Rosa Administradora", "editor": "Lucía Editora", "analyst": "Jorge Analista"}
ROLES = {"admin": Role.ADMIN, "editor": Role.EDITOR, "analyst": Role.ANALYST}

CONTACT_COUNT = 2000
SENDER = "cursos@capacitacion.gob.pe"
# A participant the tutorials show by name (a preview as a contact, a test send).
FEATURED = "maria.quispe@minsa.gob.pe"
SITE = "https://capacitacion.gob.pe"
# The same people every time: the videos and their narration describe these figures.
SEED = 18

FIRST_NAMES = (
    "María Elena", "José Luis", "Rosa", "Juan Carlos", "Carmen", "Luis Alberto", "Ana María",
    "Jorge", "Lucía", "Carlos", "Milagros", "Miguel Ángel", "Patricia", "César", "Gladys",
    "Víctor", "Yolanda", "Walter", "Flor de María", "Percy", "Maribel", "Edwin", "Sonia",
    "Raúl", "Roxana", "Fernando", "Liliana", "Ricardo", "Elizabeth", "Julio César", "Pilar",
    "Héctor", "Karina", "Wilber", "Diana", "Alfredo", "Janet", "Óscar", "Katherine", "Hugo",
)  # fmt: skip
LAST_NAMES = (
    "Quispe", "Flores", "Sánchez", "Rodríguez", "García", "Rojas", "Mamani", "Huamán",
    "Chávez", "Vásquez", "Ramírez", "Torres", "Mendoza", "Castillo", "Espinoza", "Díaz",
    "Gutiérrez", "Condori", "Ccopa", "Paredes", "Salazar", "Vargas", "Córdova", "Huanca",
    "Ticona", "Cárdenas", "Valverde", "Palomino", "Aguilar", "Zevallos", "Villanueva", "Apaza",
)  # fmt: skip
REGIONS = (
    ("Lima", 30), ("Arequipa", 8), ("Cusco", 7), ("La Libertad", 7), ("Piura", 6),
    ("Junín", 6), ("Lambayeque", 5), ("Puno", 5), ("Cajamarca", 5), ("Áncash", 4),
    ("Loreto", 4), ("Ica", 4), ("San Martín", 3), ("Ayacucho", 3), ("Huánuco", 3),
)  # fmt: skip
# An entity with a region of its own gives its staff that region.
ENTITIES = (
    ("Ministerio de Salud", "minsa.gob.pe", ""),
    ("Ministerio de Educación", "minedu.gob.pe", ""),
    ("Municipalidad Metropolitana de Lima", "munlima.gob.pe", "Lima"),
    ("Gobierno Regional de Cusco", "regioncusco.gob.pe", "Cusco"),
    ("Gobierno Regional de Arequipa", "regionarequipa.gob.pe", "Arequipa"),
    ("Municipalidad Provincial de Piura", "munipiura.gob.pe", "Piura"),
    ("EsSalud", "essalud.gob.pe", ""),
    ("Poder Judicial", "pj.gob.pe", ""),
    ("SUNAT", "sunat.gob.pe", ""),
    ("Ministerio de Transportes y Comunicaciones", "mtc.gob.pe", ""),
)
# Suppliers write from their own mailboxes.
PUBLIC_DOMAINS = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.es")
ROLE_TAGS = (("funcionario", 55), ("proveedor", 30), ("docente", 5), ("estudiante", 10))
JOBS = {
    "funcionario": (
        "Especialista en contrataciones", "Jefe de logística", "Asistente administrativo",
    ),
    "proveedor": ("Gerente general", "Representante legal", "Asesor comercial"),
    "docente": ("Docente de la Escuela",),
    "estudiante": ("Estudiante de Derecho", "Estudiante de Administración"),
}  # fmt: skip
LISTS = (
    ("Boletín de la Escuela", "Noticias mensuales, normas nuevas y cursos abiertos.", True),
    ("Participantes 2026", "Quienes llevaron al menos un curso este año.", False),
    ("Proveedores del Estado", "Proveedores inscritos en el RNP interesados en cursos.", True),
    ("Docentes", "El equipo de docentes y tutores de la Escuela.", False),
)
FIELDS = (
    ("entidad", "Entidad", FieldType.TEXT),
    ("region", "Región", FieldType.TEXT),
    ("cargo", "Cargo", FieldType.TEXT),
    ("cursos_aprobados", "Cursos aprobados", FieldType.NUMBER),
    ("certificado_oece", "Certificado OECE", FieldType.BOOLEAN),
    ("fecha_inicio", "Fecha de inicio del curso", FieldType.DATE),
)
GALLERY = ("curso", "boletin", "recordatorio", "bienvenida")
COURSE_LINKS = 3


def seed() -> None:
    """Fill an empty database with the demo's users and data."""
    rng = random.Random(SEED)
    now = timezone.now()
    with transaction.atomic():
        users = {
            key: User.objects.create_user(email, PASSWORD, role=ROLES[key], name=NAMES[key])
            for key, email in USERS.items()
        }
        _brand()
        QuotaSettings.objects.update_or_create(
            pk=1, defaults={"credentials_delivered_on": (now - datetime.timedelta(days=75)).date()}
        )
        quota.ensure_plan()
        lists, tags = _audience(rng, now)
        sender = SenderIdentity.objects.create(
            from_name="Escuela de Contrataciones Públicas",
            from_email=SENDER,
            reply_to="consultas@capacitacion.gob.pe",
        )
        templates = _templates(users["editor"])
        _campaigns(rng, now, users["editor"], sender, templates, lists)
        _segment(users["editor"], tags)
        _classroom(now)
        _popup(rng, now, users["editor"])
        _workflow(users["admin"], sender, templates)
        _signup_form(users["editor"], lists)


def _brand() -> None:
    brand = BrandKit.load()
    brand.name = "Escuela de Contrataciones Públicas"
    brand.website_url = SITE
    brand.address = "Av. Gregorio Escobedo 398, Jesús María, Lima, Perú"
    brand.save()


def _audience(
    rng: random.Random, now: datetime.datetime
) -> tuple[dict[str, MailingList], dict[str, Tag]]:
    """The contacts, their lists, tags and custom fields."""
    for key, label, kind in FIELDS:
        Field.objects.create(key=key, label=label, type=kind)
    lists = {
        name: MailingList.objects.create(
            name=name, description=text, is_topic=topic, public_name=name if topic else ""
        )
        for name, text, topic in LISTS
    }
    tags = {name: Tag.objects.create(name=name) for name in (*dict(ROLE_TAGS), "certificado")}
    contacts, roles, seen = [_featured(now)], ["funcionario"], {FEATURED}
    regions = [name for name, weight in REGIONS for _ in range(weight)]
    while len(contacts) < CONTACT_COUNT:
        first, last, second = (
            rng.choice(FIRST_NAMES),
            rng.choice(LAST_NAMES),
            rng.choice(LAST_NAMES),
        )
        role = rng.choices(*zip(*ROLE_TAGS, strict=True))[0]
        entity, domain, region = rng.choice(ENTITIES)
        if role != "funcionario":
            domain = rng.choice(PUBLIC_DOMAINS)
            entity = "" if role != "docente" else "Escuela de Contrataciones Públicas"
            region = ""
        email = _address(first, last, second, domain, rng)
        if email in seen:
            continue
        seen.add(email)
        joined = now - datetime.timedelta(days=rng.randint(1, 700), minutes=rng.randint(0, 1440))
        attributes = {
            "region": region or rng.choice(regions),
            "cargo": rng.choice(JOBS[role]),
            "cursos_aprobados": rng.choices((0, 1, 2, 3, 4, 6), (20, 35, 20, 12, 8, 5))[0],
            "certificado_oece": role == "funcionario" and rng.random() < 0.4,
        }
        if entity:
            attributes["entidad"] = entity
        if rng.random() < 0.3:
            start = now.date() + datetime.timedelta(days=rng.randint(3, 45))
            attributes["fecha_inicio"] = start.isoformat()
        contacts.append(
            Contact(
                email=email,
                first_name=first,
                last_name=f"{last} {second}",
                phone=f"+519{rng.randint(10000000, 99999999)}" if rng.random() < 0.6 else "",
                attributes=attributes,
                consent_source=ConsentSource.IMPORT,
                consent_at=joined,
                consent_text="Acepto recibir información de cursos de la Escuela.",
                created_at=joined,
                updated_at=joined,
            )
        )
        roles.append(role)
    Contact.objects.bulk_create(contacts, batch_size=500)
    contacts = list(Contact.objects.order_by("pk"))
    subscriptions, tagged = [], []
    Tagged = Contact.tags.through
    for contact, role in zip(contacts, roles, strict=True):
        chosen = [lists["Boletín de la Escuela"]] if rng.random() < 0.85 else []
        if contact.attributes["cursos_aprobados"]:
            chosen.append(lists["Participantes 2026"])
        if role == "proveedor":
            chosen.append(lists["Proveedores del Estado"])
        if role == "docente":
            chosen.append(lists["Docentes"])
        subscriptions += [Subscription(contact=contact, mailing_list=one) for one in chosen]
        tagged.append(Tagged(contact=contact, tag=tags[role]))
        if contact.attributes["certificado_oece"]:
            tagged.append(Tagged(contact=contact, tag=tags["certificado"]))
    Subscription.objects.bulk_create(subscriptions, batch_size=1000)
    Tagged.objects.bulk_create(tagged, batch_size=1000)
    return lists, tags


def _featured(now: datetime.datetime) -> Contact:
    """The person the tutorials name: the same address whatever the random draw."""
    return Contact(
        email=FEATURED,
        first_name="María Elena",
        last_name="Quispe Mamani",
        phone="+51987654321",
        attributes={
            "entidad": "Ministerio de Salud",
            "region": "Lima",
            "cargo": "Especialista en contrataciones",
            "cursos_aprobados": 2,
            "certificado_oece": True,
            "fecha_inicio": (now.date() + datetime.timedelta(days=10)).isoformat(),
        },
        consent_source=ConsentSource.IMPORT,
        consent_at=now - datetime.timedelta(days=400),
        consent_text="Acepto recibir información de cursos de la Escuela.",
        created_at=now - datetime.timedelta(days=400),
        updated_at=now - datetime.timedelta(days=400),
    )


def _address(first: str, last: str, second: str, domain: str, rng: random.Random) -> str:
    plain = str.maketrans("áéíóúñÁÉÍÓÚÑ ", "aeiounAEIOUN.")
    given = first.split()[0].translate(plain).lower()
    family = last.translate(plain).lower()
    shape = rng.randrange(3)
    if shape == 0:
        local = f"{given[0]}{family}"
    elif shape == 1:
        local = f"{given}.{family}"
    else:
        local = f"{given}.{family}{second[0].lower()}{rng.randint(1, 99)}"
    return f"{local}@{domain}".translate(plain)


def _templates(author: User) -> dict[str, EmailTemplate]:
    made = {}
    for key in GALLERY:
        template, source = starts.from_gallery(gallery.get(key))
        template.created_by = author
        template.set_source(source)
        template.save()
        made[key] = template
    return made


def _campaigns(
    rng: random.Random,
    now: datetime.datetime,
    author: User,
    sender: SenderIdentity,
    templates: dict[str, EmailTemplate],
    lists: dict[str, MailingList],
) -> None:
    """Two campaigns sent, one scheduled, one draft."""
    bulletin = _campaign(
        "Boletín de noviembre",
        "Boletín de noviembre: nuevas directivas y cursos de diciembre",
        author,
        sender,
        templates["boletin"],
        lists["Boletín de la Escuela"],
    )
    _sent(bulletin, rng, _days_ago(now, 25), Rates(opens=0.41, clicks=0.08, converts=0.0))
    course = _campaign(
        "Curso: Gestión de contrataciones públicas",
        "{{ nombre }}, matrícula abierta: Gestión de contrataciones públicas",
        author,
        sender,
        templates["curso"],
        lists["Participantes 2026"],
    )
    _sent(course, rng, _days_ago(now, 9), Rates(opens=0.48, clicks=0.17, converts=0.05))
    webinar = _campaign(
        "Webinar: la nueva Ley General de Contrataciones",
        "Webinar gratuito: lo que cambia con la nueva Ley General de Contrataciones",
        author,
        sender,
        templates["recordatorio"],
        lists["Proveedores del Estado"],
    )
    webinar.schedule(_days_ago(now, -3))
    _campaign(
        "Certificación OECE: convocatoria de enero",
        "Prepárese para la certificación OECE de enero",
        author,
        sender,
        templates["curso"],
        lists["Boletín de la Escuela"],
    )


def _days_ago(now: datetime.datetime, days: int) -> datetime.datetime:
    """That day at 10:00 in Lima (days < 0: in the future)."""
    day = timezone.localtime(now).date() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _campaign(
    name: str,
    subject: str,
    author: User,
    sender: SenderIdentity,
    template: EmailTemplate,
    to: MailingList,
) -> Campaign:
    campaign = Campaign.objects.create(
        name=name, subject=subject, sender=sender, template=template, created_by=author
    )
    campaign.include_lists.add(to)
    return campaign


@dataclass(frozen=True)
class Rates:
    """Shares of the delivered messages that were opened, clicked and led to an enrolment."""

    opens: float
    clicks: float
    converts: float


def _sent(campaign: Campaign, rng: random.Random, at: datetime.datetime, rates: Rates) -> None:
    """Send ``campaign`` as the engine would have at ``at``, and what people did then."""
    messages = _send(campaign, at)
    # The second link of a gallery design is its call to action: most clicks go there.
    links = [5 if n == 1 else 1 for n in range(len(campaign.mailing.links) or 1)]
    events, bounces, bounced, unsubscribed = [], [], [], []
    for message in messages:
        luck = rng.random()
        if luck < 0.03:
            hard = luck < 0.018
            bounces.append(_bounce(message, BounceKind.HARD if hard else BounceKind.SOFT, at))
            bounced += [message.contact_id] if hard else []
            continue
        events += _machines(message, at, rng)
        if rng.random() < rates.opens:
            person = _person(message, at, rng, rates, links)
            events += person
            if person[-1].kind == EventKind.UNSUBSCRIBED:
                unsubscribed.append(message.contact_id)
    Event.objects.bulk_create(events, batch_size=1000)
    engagement.keep_up(events)  # Contacts' last open and click, as the spool's flush keeps.
    Bounce.objects.bulk_create(bounces)
    _leave(bounced, Status.BOUNCED, SuppressionReason.BOUNCED)
    _leave(unsubscribed, Status.UNSUBSCRIBED, SuppressionReason.UNSUBSCRIBED)


def _send(campaign: Campaign, at: datetime.datetime) -> list[Message]:
    """Start ``campaign`` and write its messages as a relay accepted them at ``at`` (the
    demo has no relay), billed as the engine bills them; return the messages."""
    campaign.schedule(at)
    scheduling.start(campaign)
    mailing = campaign.mailing
    messages = list(mailing.messages.order_by("pk"))
    for n, message in enumerate(messages):
        message.sent_at = at + datetime.timedelta(seconds=n // 20)
    Message.objects.bulk_update(messages, ["sent_at"], batch_size=500)
    mailing.messages.update(status=MessageStatus.SENT, attempts=1, reply="250 2.0.0 Ok")
    mailing.status = MailingStatus.DONE
    mailing.save(update_fields=["status"])
    finished = at + datetime.timedelta(seconds=len(messages) // 20 + 1)
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.SENT, started_at=at, finished_at=finished
    )
    QuotaDebit.objects.create(at=finished, count=len(messages), mailing=mailing)
    Contact.objects.filter(message__mailing=mailing).update(last_sent_at=finished)
    return messages


def _person(
    message: Message, at: datetime.datetime, rng: random.Random, rates: Rates, links: list[int]
) -> list[Event]:
    """What a person who opened ``message`` did: opened it (some twice), and perhaps
    clicked a link (``links`` weighs them) and enrolled, or else unsubscribed."""
    client, device = rng.choice(CLIENTS)
    seen = at + datetime.timedelta(minutes=_minutes_later(rng))
    events = [_event(message, EventKind.OPENED, seen, client, device)]
    if rng.random() < 0.25:
        later = seen + datetime.timedelta(hours=rng.randint(2, 60))
        events.append(_event(message, EventKind.OPENED, later, client, device))
    if rng.random() < rates.clicks / rates.opens:
        click = seen + datetime.timedelta(seconds=rng.randint(20, 300))
        link = rng.choices(range(len(links)), links)[0]
        events.append(_event(message, EventKind.CLICKED, click, client, device, link))
        if rng.random() < rates.converts / rates.clicks:
            enrolled = click + datetime.timedelta(minutes=rng.randint(3, 40))
            events.append(_event(message, EventKind.CONVERTED, enrolled, detail="matricula"))
    elif rng.random() < 0.012:
        gone = seen + datetime.timedelta(minutes=2)
        events.append(_event(message, EventKind.UNSUBSCRIBED, gone, detail=REASON))
    return events


CLIENTS = (
    ("Gmail", "desktop"),
    ("Gmail", "mobile"),
    ("Gmail", "mobile"),
    ("Outlook", "desktop"),
    ("Outlook", "desktop"),
    ("Apple Mail", "mobile"),
    ("Yahoo Mail", "desktop"),
)
REASON = "Recibo demasiados correos"
HARD = ("550 5.1.1 The email account that you tried to reach does not exist", "user_unknown")
SOFT = ("452 4.2.2 The email account that you tried to reach is over quota", "mailbox_full")


def _machines(message: Message, at: datetime.datetime, rng: random.Random) -> list[Event]:
    """What machines do as a message arrives: Apple's privacy proxy opens some, and an
    antivirus checks the links of others. The reports count them apart."""
    arrived = at + datetime.timedelta(seconds=rng.randint(5, 90))
    luck = rng.random()
    if luck < 0.06:
        return [
            _event(
                message, EventKind.OPENED, arrived, "Apple Mail", "other", machine="apple_privacy"
            )
        ]
    if luck < 0.08:
        return [_event(message, EventKind.CLICKED, arrived, link=0, machine="scanner")]
    return []


def _minutes_later(rng: random.Random) -> int:
    """When a person opens: most within hours, some days later."""
    return int(rng.expovariate(1 / 240)) + 1


def _event(
    message: Message,
    kind: str,
    at: datetime.datetime,
    client: str = "",
    device: str = "",
    link: int | None = None,
    detail: str = "",
    machine: str = "",
) -> Event:
    return Event(
        kind=kind,
        message=message,
        at=at,
        link=link,
        client=client,
        device=device,
        detail=detail,
        machine=machine,
    )


def _bounce(message: Message, kind: str, at: datetime.datetime) -> Bounce:
    reason, cause = HARD if kind == BounceKind.HARD else SOFT
    return Bounce(
        kind=kind,
        source=BounceSource.MAILBOX,
        cause=BounceCause(cause),
        email=message.email,
        message=message,
        reason=reason,
        at=at + datetime.timedelta(minutes=3),
    )


def _leave(contact_ids: list[int], status: str, reason: str) -> None:
    people = Contact.objects.filter(pk__in=contact_ids)
    people.update(status=status)
    Suppression.objects.bulk_create(
        [
            Suppression(email=email, reason=reason)
            for email in people.values_list("email", flat=True)
        ],
        ignore_conflicts=True,
    )


def _segment(author: User, tags: dict[str, Tag]) -> None:
    rules = {
        "match": "all",
        "rules": [
            {"field": "tag", "operator": "is_in", "value": [tags["funcionario"].pk]},
            {"field": "field:region", "operator": "equals", "value": "Cusco"},
        ],
    }
    Segment.objects.create(
        name="Funcionarios de Cusco", rules=segments.validate_rules(rules), created_by=author
    )


def _classroom(now: datetime.datetime) -> None:
    """The virtual classroom, connected: its Moodle loaded the pop-ups' script minutes ago."""
    Site.objects.create(
        name="Aula virtual de la Escuela",
        origin="https://aula.capacitacion.gob.pe",
        last_seen_at=now - datetime.timedelta(minutes=7),
    )


def _popup(rng: random.Random, now: datetime.datetime, author: User) -> None:
    """A course pop-up live in the classroom for ten days, and what visitors did with it."""
    design = popup_gallery.get("curso")
    values = {**popup_gallery.initial(design), "design": design.slug}
    values["name"] = "Curso de contrataciones: matrícula abierta"
    values["title"] = "Nuevo curso virtual: Gestión de contrataciones públicas"
    values["button_url"] = f"{SITE}/cursos/gestion-de-contrataciones"
    popup = Popup.objects.create(
        **values,
        is_published=True,
        starts_at=_days_ago(now, 10),
        ends_at=_days_ago(now, -12),
        created_by=author,
    )
    PopupEvent.objects.bulk_create(
        [event for event in _visits(rng, now, popup) if event.at <= now], batch_size=1000
    )


def _visits(rng: random.Random, now: datetime.datetime, popup: Popup) -> list[PopupEvent]:
    """900 classroom visitors over ten days: each saw the pop-up; some clicked and enrolled,
    more closed it."""
    # Some visitors came from a tracked email link: they are known contacts.
    known = list(Contact.objects.filter(status=Status.SUBSCRIBED).values_list("pk", flat=True))
    events = []
    for n in range(900):
        visitor, device = f"v{n:04d}", rng.choice(("desktop", "desktop", "phone"))
        seen = _days_ago(now, rng.randint(0, 9)) + datetime.timedelta(
            minutes=rng.randint(-120, 600)
        )
        page = {
            "page": "/course/view.php",
            "course_id": rng.choice((12, 15, 21)),
            "device": device,
            "contact_id": rng.choice(known) if rng.random() < 0.2 else None,
        }
        events.append(
            PopupEvent(popup=popup, kind=PopupEventKind.VIEWED, at=seen, visitor=visitor, **page)
        )
        luck = rng.random()
        kind = (
            PopupEventKind.CLICKED if luck < 0.14 else PopupEventKind.CLOSED if luck < 0.6 else ""
        )
        if kind:
            later = seen + datetime.timedelta(seconds=rng.randint(3, 40))
            events.append(PopupEvent(popup=popup, kind=kind, at=later, visitor=visitor, **page))
        if kind == PopupEventKind.CLICKED and rng.random() < 0.3:
            enrolled = later + datetime.timedelta(minutes=rng.randint(2, 30))
            events.append(
                PopupEvent(
                    popup=popup,
                    kind=PopupEventKind.CONVERTED,
                    at=enrolled,
                    visitor=visitor,
                    detail="matricula",
                    **page,
                )
            )
    return events


def _workflow(author: User, sender: SenderIdentity, templates: dict[str, EmailTemplate]) -> None:
    """A course reminder by email and SMS that also tells the virtual classroom."""
    graph = next(t for t in library.TEMPLATES if t.slug == "recordatorio-inicio").graph()
    for node in graph["nodes"]:
        if node["type"] == "trigger":
            node["config"]["field"] = "fecha_inicio"
        if node["type"] == "email":
            node["config"].update(template=str(templates["recordatorio"].code), sender=sender.pk)
    graph["nodes"].append(
        {
            "id": "n6",
            "type": "webhook",
            "config": {"url": "https://aula.capacitacion.gob.pe/webhooks/recordatorio"},
            "x": 0,
            "y": 0,
        }
    )
    # Two rows, so that the whole workflow fits the builder's canvas on a laptop's screen.
    for n, node in enumerate(graph["nodes"]):
        node["x"], node["y"] = 30 + 175 * (n % 3), 50 + 170 * (n // 3)
    graph["edges"].append({"from": "n5", "to": "n6", "port": "next"})
    workflow = Workflow.objects.create(
        name="Recordatorio antes del inicio del curso", graph=graph, created_by=author
    )
    lifecycle.activate(workflow)
    # Today's run of its trigger, as the scheduler makes it: those whose course starts in a
    # week enter, get the first email (queued for the sender) and wait.
    week = timezone.localdate() + datetime.timedelta(days=7)
    starting = Contact.objects.filter(attributes__fecha_inicio=week.isoformat())
    entry.enrol(workflow, "n1", starting.values_list("pk", flat=True))
    automation_engine.run_due()


def _signup_form(author: User, lists: dict[str, MailingList]) -> None:
    form = SignupForm.objects.create(
        name="Boletín en la web de la Escuela",
        slug="boletin",
        title="Reciba el boletín de la Escuela",
        intro="Cursos abiertos, normas nuevas y becas, una vez al mes.",
        fields=[{"key": "first_name", "required": True}, {"key": "last_name", "required": False}],
        consent_text=(
            "Acepto recibir el boletín de la Escuela de Contrataciones Públicas según su "
            "aviso de privacidad (Ley 29733)."
        ),
        privacy_url=f"{SITE}/privacidad",
        thank_you="¡Gracias! Ya está suscrito al boletín.",
        double_opt_in=False,
        confirmation_subject="Confirme su suscripción al boletín",
        created_by=author,
    )
    form.lists.set([lists["Boletín de la Escuela"]])
