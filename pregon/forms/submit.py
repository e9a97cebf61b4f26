"""A signup form's submission: the one function behind the hosted page (/f/<slug>), the embed
script and the public API (POST /api/v1/public/forms/<slug>) and a pop-up's form.

In order: the honeypot (a robot is thanked and nothing happens), the minimum fill time, the
answers (email, consent, the fields' rules, the lists), the proof-of-work if the form asks
for one, then the limits per visitor's address and per email address. Anything refused
raises ``defences.Refused`` having stored and sent nothing.

Then, with double opt-in, a new address becomes a pending contact (its consent recorded) and
an existing contact stays as it is; either way a pending signup keeps the answers and the
confirmation email is queued, at most once per address and ``mails.RESEND_AFTER`` whatever
the form, so that nobody can make Pregón mail an address over and over (a signup made
meanwhile through another form is stored, and its reminder is its first email). Without
double opt-in the answers are applied at once (pregon.forms.subscribe). The visitor is told
the same in every case, so the form cannot be used to learn whether an address is a contact.
"""

import copy
import dataclasses
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pregon.contacts.forms import CUSTOM_PREFIX
from pregon.contacts.models import ConsentSource, Contact, Field, Status
from pregon.contacts.normalize import normalize_email
from pregon.contacts.upsert import build_form
from pregon.forms import days, defences, mails, subscribe
from pregon.forms.defences import Refused
from pregon.forms.models import Signup, SignupForm, SignupStatus
from pregon.forms.questions import questions
from pregon.lib.formerrors import form_errors
from pregon.tracking.models import hash_ip

CHANNELS = ("page", "embed", "popup", "api")
THANKS_CONFIRM = gettext_lazy(
    "Thank you! We have sent you an email: open it and confirm your subscription with its link."
)
THANKS = gettext_lazy("Thank you! You are now subscribed.")


@dataclasses.dataclass(frozen=True)
class Accepted:
    """What the visitor is told: the thanks, and where to go if the form redirects; and,
    for the caller only, the contact the signup is for (None: a robot's, not stored)."""

    message: str
    redirect: str = ""
    contact_id: int | None = None


def thanks(form: SignupForm) -> Accepted:
    default = THANKS_CONFIRM if form.double_opt_in else THANKS
    return Accepted(form.thank_you or str(default), form.redirect_url)


def _text(data: Mapping, name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _answers(form: SignupForm, data: Mapping) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The answers to the form's fields and lists as the data gives them, and what is
    missing or unknown."""
    errors: dict[str, list[str]] = {}
    answers: dict[str, Any] = {"fields": {}}
    given_fields = data.get("fields") if isinstance(data.get("fields"), Mapping) else {}
    for question in questions(form):
        if question.field_key:
            value = given_fields.get(question.field_key)
        else:
            value = data.get(question.name)
        if isinstance(value, str):
            value = value.strip()
        if question.type == "checkbox" and not question.required and value in (None, ""):
            value = None
        if question.required and value in (None, "", False):
            errors[question.name] = [_("This field is required.")]
        elif question.field_key:
            answers["fields"][question.field_key] = value
        else:
            answers[question.name] = value if isinstance(value, str) else ""
    offered = {str(code) for code in form.lists.values_list("code", flat=True)}
    if form.choose_lists:
        chosen = data.get("lists") if isinstance(data.get("lists"), list) else []
        answers["lists"] = sorted({str(code) for code in chosen} & offered)
        if offered and not answers["lists"]:
            errors["lists"] = [_("Choose at least one option.")]
    else:
        answers["lists"] = sorted(offered)
    return answers, errors


def _checked(answers: dict[str, Any], email: str, contact: Contact | None) -> dict[str, Any]:
    """The answers as a contact's screen would save them (a phone in international form, a
    date as ISO), checked by the same ContactForm; raises Refused with its messages."""
    data = {name: answers[name] for name in ("first_name", "last_name", "phone") if name in answers}
    data.update(email=email, status=contact.status if contact else Status.SUBSCRIBED)
    data["fields"] = {key: value for key, value in answers["fields"].items() if value is not None}
    custom_keys = set(Field.objects.values_list("key", flat=True))
    # A copy: validating a model form writes the answers onto its instance, and the contact
    # must stay as it is until they are applied (pregon.forms.subscribe).
    instance = copy.copy(contact) if contact is not None else None
    form, _early = build_form(data, instance, replace=False, custom_keys=custom_keys)
    # The address was checked already; an existing contact is the one being updated.
    if not form.is_valid():
        names = {CUSTOM_PREFIX + key: f"fields.{key}" for key in custom_keys}
        errors = {
            name: messages for name, messages in form_errors(form, names).items() if name != "email"
        }
        if errors:
            raise Refused(422, str(_("Please correct the fields shown.")), errors)
    names = ("first_name", "last_name", "phone")
    cleaned = {name: form.cleaned_data.get(name) or "" for name in names if name in answers}
    values = form.custom_values()
    cleaned["fields"] = {key: values[key] for key in data["fields"] if values.get(key) is not None}
    cleaned["lists"] = answers["lists"]
    return cleaned


def _check(form: SignupForm, data: Mapping) -> tuple[str, dict[str, Any]]:
    """The normalised address and the answers; raises Refused with every problem."""
    errors: dict[str, list[str]] = {}
    email = ""
    try:
        email = normalize_email(_text(data, "email"))
    except ValueError as problem:
        errors["email"] = [str(problem)]
    if email and defences.is_disposable(email):
        errors["email"] = [
            _("Addresses of disposable email services are not accepted. Use your usual one.")
        ]
    if data.get("consent") not in (True, "on", "true", "1"):
        errors["consent"] = [_("Tick the box to accept how your data will be used.")]
    answers, problems = _answers(form, data)
    errors.update(problems)
    if errors:
        raise Refused(422, _("Please correct the fields shown."), errors)
    return email, answers


def submit(
    form: SignupForm,
    data: Mapping[str, Any],
    *,
    ip: str | None,
    channel: str,
    popup_id: int | None = None,
) -> Accepted:
    """Take one submission of ``form`` (the answers by name: email, first_name, last_name,
    phone, fields {key: value}, lists [codes], consent, and the defences' website, stamp and
    pow) from the visitor at ``ip``; return what to tell them. Raises ``Refused`` (422 with
    the messages by field, 429 past the limits) having stored and sent nothing."""
    if _text(data, defences.HONEYPOT):
        return thanks(form)  # A robot: thanked, and nothing happens.
    stamp = _text(data, "stamp")
    defences.check_fill_time(form.pk, stamp, form.min_fill_seconds)
    email, answers = _check(form, data)
    if form.proof_of_work:
        defences.check_proof_of_work(stamp, _text(data, "email"), _text(data, "pow"))
    ip_hash = hash_ip(ip)
    defences.check_limits(ip_hash, email)
    signup = Signup(
        form=form,
        email=email,
        consent_text=form.consent_text,
        ip_hash=ip_hash,
        channel=channel if channel in CHANNELS else "api",
        popup_id=popup_id,
    )
    try:
        try:
            _save(signup, answers)
        except IntegrityError:
            # Another submission created the same address a moment ago: now it is known.
            _save(signup, answers)
    except ValidationError as invalid:
        errors = {key: [str(m) for m in messages] for key, messages in invalid.message_dict.items()}
        raise Refused(422, _("Please correct the fields shown."), errors) from None
    return dataclasses.replace(thanks(form), contact_id=signup.contact_id)


def _save(signup: Signup, answers: dict[str, Any]) -> None:
    form = signup.form
    with transaction.atomic():
        contact = Contact.objects.select_for_update().filter(email=signup.email).first()
        signup.data = _checked(answers, signup.email, contact)
        days.add(form, "submissions")
        if not form.double_opt_in:
            subscribe.apply(signup, contact, confirmed=False)
            return
        if contact is None:
            contact = Contact.objects.create(
                email=signup.email,
                status=Status.PENDING,
                consent_source=ConsentSource.FORM,
                consent_form=form.name[:150],
                consent_text=form.consent_text,
                consent_at=timezone.now(),
                consent_ip_hash=signup.ip_hash,
            )
        recent = Signup.objects.filter(
            form=form,
            email=signup.email,
            status=SignupStatus.PENDING,
            # A new submission soon after updates the pending signup's answers.
            created_at__gte=timezone.now() - mails.RESEND_AFTER,
        ).first()
        if recent is not None:
            recent.data, recent.ip_hash = signup.data, signup.ip_hash
            recent.consent_text = signup.consent_text
            recent.save(update_fields=["data", "ip_hash", "consent_text"])
            signup.contact = contact
            return
        signup.contact = contact
        signup.save()
        if not mails.mailed_recently(contact):
            mails.send_confirmation(signup)
