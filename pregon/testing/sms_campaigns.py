"""What the SMS campaign tests share (campaign screens, API, browser): a segment whose
contacts have every kind of phone, and an SMS campaign's draft to it."""

from django.utils import timezone

from pregon.campaigns.models import Campaign, Channel
from pregon.contacts.models import Contact, Segment, Status

TEXT = "Hola {{ nombre }}, su curso empieza el lunes: https://aula.example.gob.pe/curso/7"
# The contacts of the segment an SMS reaches: a mobile, not opted out of SMS (unsubscribing
# from email does not stop SMS: each channel keeps its own opt-outs).
REACHED = {"+51987654321": "Ana", "+51987654322": "Beto", "+51987654326": "Fito"}


def sms_segment() -> Segment:
    """The segment "Lima": three contacts an SMS reaches (``REACHED``), one who opted out
    of SMS, one with a landline, one without a phone; and, outside it, one in Cusco."""
    now = timezone.now()
    rows = [
        ("ana@lima.example.pe", "Ana", "+51987654321", None, Status.SUBSCRIBED),
        ("beto@lima.example.pe", "Beto", "+51987654322", None, Status.SUBSCRIBED),
        ("carla@lima.example.pe", "Carla", "+51987654323", now, Status.SUBSCRIBED),
        ("dora@lima.example.pe", "Dora", "+5114123456", None, Status.SUBSCRIBED),
        ("eva@lima.example.pe", "Eva", "", None, Status.SUBSCRIBED),
        ("fito@lima.example.pe", "Fito", "+51987654326", None, Status.UNSUBSCRIBED),
        ("gaby@cusco.example.pe", "Gaby", "+51987654327", None, Status.SUBSCRIBED),
    ]
    for email, name, phone, opted_out_at, status in rows:
        Contact.objects.create(
            email=email, first_name=name, phone=phone, sms_opted_out_at=opted_out_at, status=status
        )
    rule = {"field": "email", "operator": "contains", "value": "@lima.example.pe"}
    return Segment.objects.create(name="Lima", rules={"match": "all", "rules": [rule]})


def sms_draft(segment: Segment | None = None, text: str = TEXT, **fields: object) -> Campaign:
    """An SMS campaign's draft with ``text``, to ``segment``."""
    values = {"name": "Aviso por SMS", "channel": Channel.SMS, "sms_text": text, **fields}
    campaign = Campaign.objects.create(**values)
    if segment is not None:
        campaign.include_segments.add(segment)
    return campaign
