"""The steps that change the contact: a tag, a list, a field. Tags and lists go through
pregon.contacts.bulk, which emits "tag added" and "list joined" as any other change does."""

from django.utils import timezone

from pregon.automation.models import Enrolment, Outcome
from pregon.automation.step import Run, Step
from pregon.contacts import bulk
from pregon.contacts.models import Contact, Field, FieldType, MailingList, Tag


def _contacts(enrolments: list[Enrolment]):
    return Contact.objects.filter(pk__in=[enrolment.contact_id for enrolment in enrolments])


def _done(enrolments: list[Enrolment], detail: str = "") -> dict[int, Step]:
    return {enrolment.pk: Step(Outcome.DONE, detail=detail) for enrolment in enrolments}


def tag(run: Run, node: dict, enrolments: list[Enrolment]) -> dict[int, Step]:
    config = node["config"]
    name = config["tag"].strip()
    if config["action"] == "add":
        bulk.add_tag(_contacts(enrolments), Tag.objects.get_or_create(name=name)[0])
    else:
        Contact.tags.through.objects.filter(
            tag__name=name, contact_id__in=[enrolment.contact_id for enrolment in enrolments]
        ).delete()
    return _done(enrolments, name)


def mailing_list(run: Run, node: dict, enrolments: list[Enrolment]) -> dict[int, Step]:
    config = node["config"]
    chosen = MailingList.objects.get(code=config["list"])
    if config["action"] == "add":
        bulk.add_to_list(_contacts(enrolments), chosen)
    else:
        bulk.remove_from_list(_contacts(enrolments), chosen)
    return _done(enrolments, chosen.name)


def field(run: Run, node: dict, enrolments: list[Enrolment]) -> dict[int, Step]:
    """Set a contact's field: one of its own (first name, last name, phone) or a custom
    field's value, converted to the field's type."""
    config = node["config"]
    key, value = config["field"], str(config.get("value", ""))
    now = timezone.now()
    contacts = _contacts(enrolments)
    if key in ("first_name", "last_name", "phone"):
        contacts.update(**{key: value}, updated_at=now)
        return _done(enrolments, key)
    custom = Field.objects.get(key=key)
    for contact in contacts:
        contact.attributes[key] = _typed(custom.type, value)
        contact.updated_at = now
        contact.save(update_fields=["attributes", "updated_at"])
    return _done(enrolments, key)


def _typed(kind: str, value: str) -> object:
    if kind == FieldType.NUMBER:
        number = float(value.replace(",", "."))
        return int(number) if number.is_integer() else number
    if kind == FieldType.BOOLEAN:
        return value.strip().lower() in ("1", "sí", "si", "true", "yes")
    return value
