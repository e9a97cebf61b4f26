"""Signup forms (R16): the form staff build, each person's signup through it (pending until
confirmed when the form asks for double opt-in), and each form's figures by day.

A form is shown on its hosted page (/f/<slug>), embedded on any site, or inside a pop-up of
the virtual classroom (``Popup.signup_form``): one form, one submission path
(``pregon.forms.submit``), wherever it is shown.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.contacts.models import Contact, MailingList, Tag
from pregon.content.models import EmailTemplate
from pregon.sending.models import SenderIdentity


class SignupForm(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    # The hosted page's address: /f/<slug>.
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    # The fields asked besides the email address, in order: [{"key": "first_name" |
    # "last_name" | "phone" | "field:<custom field key>", "required": bool}].
    fields = models.JSONField(_("fields"), default=list, blank=True)
    # The lists a signup joins; with ``choose_lists``, the person ticks which of them (the
    # lists marked as topics show their public name and description).
    lists = models.ManyToManyField(MailingList, blank=True, related_name="+")
    choose_lists = models.BooleanField(_("the person chooses the lists"), default=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    # Required: recorded word for word on the contact (Ley 29733).
    consent_text = models.TextField(_("consent text"))
    privacy_url = models.URLField(_("privacy notice address"), max_length=500)
    thank_you = models.TextField(_("thank-you message"), blank=True)
    redirect_url = models.URLField(_("redirect to"), max_length=500, blank=True)
    # Empty: the brand kit's colour.
    colour = models.CharField(_("colour"), max_length=7, blank=True)
    double_opt_in = models.BooleanField(_("double opt-in"), default=True)
    sender = models.ForeignKey(
        SenderIdentity, verbose_name=_("sender"), null=True, on_delete=models.PROTECT
    )
    # The confirmation email (must contain {{ enlace_confirmar }}) and the optional welcome.
    confirmation_subject = models.CharField(_("confirmation subject"), max_length=255)
    confirmation_template = models.ForeignKey(
        EmailTemplate,
        verbose_name=_("confirmation email"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    welcome_subject = models.CharField(_("welcome subject"), max_length=255, blank=True)
    welcome_template = models.ForeignKey(
        EmailTemplate,
        verbose_name=_("welcome email"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # One reminder after this many days without confirming; the signup expires after
    # ``expire_days``.
    reminder_days = models.PositiveSmallIntegerField(_("remind after (days)"), default=2)
    expire_days = models.PositiveSmallIntegerField(_("expire after (days)"), default=7)
    # Bot defences beyond the honeypot, the rate limits and the disposable domains, which
    # every form has.
    min_fill_seconds = models.PositiveSmallIntegerField(_("minimum time to fill in (s)"), default=3)
    proof_of_work = models.BooleanField(_("proof-of-work challenge"), default=False)
    is_active = models.BooleanField(_("published"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("signup form")

    def __str__(self) -> str:
        return self.name


class SignupStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    EXPIRED = "expired", _("Expired")


class Signup(models.Model):
    """One person's submission of a form. With double opt-in it waits for the link in the
    confirmation email: what was submitted (``data``) is applied to the contact only then,
    so an address typed by someone else changes nothing of an existing contact."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    form = models.ForeignKey(SignupForm, on_delete=models.CASCADE, related_name="signups")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="signups")
    email = models.EmailField(max_length=254)
    # What the person submitted: names, phone, custom fields, the lists ticked (codes).
    data = models.JSONField(default=dict)
    # The consent text exactly as shown, and the visitor's address hashed.
    consent_text = models.TextField()
    ip_hash = models.CharField(max_length=64, blank=True)
    # Where it came from: "page", "embed" or "popup" (and the pop-up's id).
    channel = models.CharField(max_length=8, default="page")
    popup_id = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=9, choices=SignupStatus.choices, default=SignupStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="signup_due")]

    def __str__(self) -> str:
        return f"{self.email} ({self.status})"


class FormDay(models.Model):
    """A form's figures on one day (America/Lima): views of the form, submissions that got
    past the defences, confirmations."""

    form = models.ForeignKey(SignupForm, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    submissions = models.PositiveIntegerField(default=0)
    confirmations = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["form", "day"], name="unique_form_day")]

    def __str__(self) -> str:
        return f"{self.form_id} {self.day}"
