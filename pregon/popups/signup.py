"""A pop-up's signup form, sent to POST /p/f/<site key>: the person becomes a contact, joins
the pop-up's list and tags, and their consent is recorded (Ley 29733: where, when, from
which address, and the very words they agreed to).

The answer is the same whether the address was a contact already or not, so the form
cannot be used to learn who is one. An existing contact keeps the names staff have (only
empty ones are filled) and keeps their status: a person who unsubscribed, bounced or
complained is not subscribed again by a form that anyone can fill in with their address;
the list, the tags and the new consent are recorded, and staff may subscribe them again. A
new contact whose address is suppressed starts with the status its suppression means.
Everything is written in one transaction, or nothing is.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.contacts.models import ConsentSource, Contact, Status, Suppression
from pregon.contacts.normalize import normalize_email
from pregon.contacts.upsert import save_contact
from pregon.lib import events
from pregon.lib.proxy import address
from pregon.popups import beacons, config, floods
from pregon.popups.models import Popup, PopupEvent, PopupEventKind
from pregon.popups.origins import Answer, KnownSite, admit, cors, error, json_answer
from pregon.tracking.models import hash_ip

# What a suppressed address's new contact starts as.
SUPPRESSED_STATUS = {
    "unsubscribed": Status.UNSUBSCRIBED,
    "bounced": Status.BOUNCED,
    "complained": Status.COMPLAINED,
}


def _text(data: Mapping, name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def check(popup: Popup, data: Mapping) -> dict[str, list[str]]:
    """What is wrong with the form's answers, by field (empty when nothing is)."""
    errors: dict[str, list[str]] = {}
    try:
        normalize_email(_text(data, "email"))
    except ValueError as problem:
        errors["email"] = [str(problem)]
    if popup.consent_text and data.get("consent") is not True:
        errors["consent"] = [_("Tick the box to accept how your data will be used.")]
    return errors


def _payload(popup: Popup, data: Mapping, contact: Contact | None, ip: str | None) -> dict:
    """The contact's data for pregon.contacts.upsert.save_contact."""
    lists = [str(code) for code in contact.lists.values_list("code", flat=True)] if contact else []
    tags = list(contact.tags.values_list("name", flat=True)) if contact else []
    if popup.form_list is not None:
        lists.append(str(popup.form_list.code))
    tags += [tag.name for tag in popup.form_tags.all()]
    payload = {
        "email": _text(data, "email"),
        "lists": sorted(set(lists)),
        "tags": sorted(set(tags)),
        "consent": {
            "source": ConsentSource.FORM,
            "text": popup.consent_text,
            "at": timezone.now(),
            "ip": ip,
        },
    }
    for name in ("first_name", "last_name"):
        if contact is None or not getattr(contact, name):
            payload[name] = _text(data, name)
    if contact is None:
        reason = Suppression.objects.filter(email=normalize_email(payload["email"]))
        reason = reason.values_list("reason", flat=True).first()
        if reason:
            payload["status"] = SUPPRESSED_STATUS.get(reason, Status.UNSUBSCRIBED)
    return payload


def save(popup: Popup, data: Mapping, visit: beacons.Visit, meta: Mapping, site: KnownSite) -> None:
    """Create or update the contact, add the list and tags, record consent and the
    "submitted" event, in one transaction. Raises ValidationError as save_contact does."""
    ip = address(meta)
    email = normalize_email(_text(data, "email"))
    with transaction.atomic():
        contact = Contact.objects.select_for_update().filter(email=email).first()
        contact = save_contact(_payload(popup, data, contact, ip), contact, replace=False)
        PopupEvent.objects.create(
            popup=popup,
            kind=PopupEventKind.SUBMITTED,
            visitor=visit.visitor,
            contact=contact,
            site_id=site.pk,
            page=visit.page,
            course_id=visit.course_id,
            device=visit.device,
            machine=beacons.machine(meta, ip),
            ip_hash=hash_ip(ip),
        )
        at = timezone.now().isoformat()
        events.emit(events.FORM_SUBMITTED, [{"popup": popup.pk, "contact": contact.pk, "at": at}])


def submit(key: str, meta: Mapping[str, str], body: bytes) -> Answer:
    """The answer to a form: 200 {"ok", "message"}; 400 {"detail", "errors"} with nothing
    saved; 403, 404 and 429 as for beacons."""
    caller = admit(key, meta.get("HTTP_ORIGIN"))
    if isinstance(caller, Answer):
        return caller
    origin = caller.origin
    if not floods.forms.allow(address(meta)):
        return error(429, _("Too many forms from this address. Try again later."), None, origin)
    try:
        data = beacons.parse_json(body)
        popup_id = data.get("p")
        popup = None
        if isinstance(popup_id, int) and popup_id in config.served(caller.site).popup_ids:
            popup = Popup.objects.filter(pk=popup_id, has_form=True).first()
        if popup is None:
            raise beacons.Invalid(
                "p", _("There is no published pop-up with a form with this number.")
            )
        visit = beacons.read_visit(data)
    except beacons.Invalid as invalid:
        return error(400, str(invalid), invalid.errors, origin)
    errors = check(popup, data)
    if not errors:
        try:
            try:
                save(popup, data, visit, meta, caller.page_site)
            except IntegrityError:
                # Another form created the same address a moment ago: now it is an update.
                save(popup, data, visit, meta, caller.page_site)
        except ValidationError as invalid:
            errors = invalid.message_dict
    if errors:
        detail = _("Please correct the fields shown.")
        return error(400, detail, errors, origin)
    message = config.thanks(popup)
    return json_answer(200, {"ok": True, "message": message}, cors(origin))
