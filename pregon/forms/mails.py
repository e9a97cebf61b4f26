"""The emails a signup calls for: the confirmation (double opt-in), its one reminder, and the
welcome. Each goes through pregon.sending.transactional, idempotent on a key of its own, so a
retried request or tick never mails twice.

An address gets at most one confirmation or reminder per ``RESEND_AFTER``, whatever the form
(``mailed_recently``): robots typing a victim's address into every form of a site must not
make Pregón mail it once per form."""

import datetime
import logging

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pregon.contacts.models import Contact
from pregon.content.render import InvalidTemplate
from pregon.forms.models import Signup, SignupForm
from pregon.lib import signing
from pregon.sending import transactional
from pregon.sending.models import Message, SenderIdentity

log = logging.getLogger(__name__)

TOKEN_KIND = "signup"
# At most one confirmation or reminder per address in this time, whatever the form.
RESEND_AFTER = datetime.timedelta(hours=6)
# The idempotency keys of confirmations and reminders start so (welcomes' do not).
KEY_PREFIX = "signup:"


def confirm_url(signup: Signup) -> str:
    """The signed address that confirms ``signup`` (/f/confirmar/<token>)."""
    token = signing.sign(TOKEN_KIND, signup.pk)
    return settings.SITE_URL + reverse("forms_public:confirm", args=[token])


def _sender(form: SignupForm) -> SenderIdentity | None:
    return form.sender or SenderIdentity.objects.order_by("pk").first()


def contact_address(form: SignupForm) -> str:
    """The address people write to about ``form`` ("" if there is no sender)."""
    sender = _sender(form)
    return sender.from_email if sender else ""


def mailed_recently(contact: Contact) -> bool:
    """Whether ``contact`` was sent a confirmation or a reminder of any signup (queued,
    whether or not it went out) in the last ``RESEND_AFTER``."""
    return Message.objects.filter(
        contact=contact,
        mailing__key__startswith=KEY_PREFIX,
        mailing__created_at__gte=timezone.now() - RESEND_AFTER,
    ).exists()


def send_confirmation(signup: Signup, *, reminder: bool = False) -> None:
    """Queue the confirmation email of ``signup`` (or its reminder), with its link."""
    form = signup.form
    sender = _sender(form)
    if form.confirmation_template is None or sender is None:
        log.warning("signup form %s has no confirmation email or sender", form.pk)
        return
    subject = form.confirmation_subject
    if reminder:
        subject = _("Reminder: %(subject)s") % {"subject": subject}
    transactional.send(
        signup.contact,
        subject=subject,
        template=form.confirmation_template,
        sender=sender,
        key=f"{KEY_PREFIX}{signup.pk}:{'remind' if reminder else 'confirm'}",
        values={"enlace_confirmar": confirm_url(signup)},
    )


def send_welcome(form: SignupForm, contact: Contact) -> None:
    """Queue ``form``'s welcome email to ``contact``, if the form has one: once per form and
    contact, however often they sign up again. A welcome that cannot be written (its
    subject's merge tags broken since) is logged and skipped: the signup stands."""
    sender = _sender(form)
    if form.welcome_template is None or not form.welcome_subject or sender is None:
        return
    try:
        transactional.send(
            contact,
            subject=form.welcome_subject,
            template=form.welcome_template,
            sender=sender,
            key=f"form:{form.pk}:welcome:{contact.pk}",
        )
    except InvalidTemplate as invalid:
        log.warning("signup form %s: the welcome email cannot be written: %s", form.pk, invalid)
