import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.contacts.models import Field
from pregon.content import mergetags, render
from pregon.content.preflight import ERROR, Check, preflight


class Format(models.TextChoices):
    MJML = "mjml", _("MJML (responsive)")
    HTML = "html", _("HTML")


class EmailTemplate(models.Model):
    """A design for messages: its source, and the HTML and text compiled from it at save.

    ``html`` and ``text`` keep their merge tags; they are personalised per recipient when sent.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    source = models.TextField(_("source"))
    html = models.TextField(editable=False)
    text = models.TextField(_("plain-text version"), blank=True)
    # False while the text follows the HTML; True once a person wrote it by hand.
    is_text_custom = models.BooleanField(default=False)
    # The pre-flight checks the last save failed: [{"code", "level", "params"}] (checks.Check).
    checks = models.JSONField(default=list, editable=False)
    # The gallery template it started from, if any.
    gallery_key = models.CharField(max_length=50, blank=True)
    # The brand kit values (BrandKit.as_context) a gallery or blank design was filled with,
    # so that they can be replaced when the brand kit changes (see ``rebrand``); {} if none.
    brand = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("template")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("content:detail", args=[self.code])

    @property
    def is_mjml(self) -> bool:
        return self.format == Format.MJML

    @property
    def is_ready(self) -> bool:
        """True if no pre-flight check failed with an error: the template can be sent."""
        return not any(check["level"] == ERROR for check in self.checks)

    def set_source(self, source: str) -> None:
        """Compile ``source`` into ``html`` and ``text`` and run the checks; does not save.

        The source is kept with its line endings normalised (``render.normalise_source``).
        Raises ``render.InvalidTemplate`` and changes nothing if the source cannot be used.
        """
        source = render.normalise_source(source)
        field_keys = Field.objects.values_list("key", flat=True)
        compiled = render.compile_source(self.is_mjml, source, field_keys)
        self.source = source
        self.html = compiled.html
        if not self.is_text_custom:
            self.text = compiled.text
        self.run_checks()

    def set_text(self, text: str) -> None:
        """Use ``text`` as the plain-text version, or go back to the generated one if blank.

        Raises ``render.InvalidTemplate`` if its merge tags are wrong.
        """
        field_keys = list(Field.objects.values_list("key", flat=True))
        if text.strip():
            if found := mergetags.problems(text, field_keys):
                raise render.InvalidTemplate(found)
            self.text, self.is_text_custom = text, True
        else:
            self.is_text_custom = False
            self.text = render.compile_source(self.is_mjml, self.source, field_keys).text
        self.run_checks()

    def run_checks(self) -> None:
        self.checks = [check.stored() for check in preflight(self.html, self.text)]

    def check_results(self) -> list[Check]:
        """The pre-flight checks the last save failed, worded in the current language."""
        return [Check(**stored) for stored in self.checks]


class Asset(models.Model):
    """An image of the library, served to mail clients at a stable public URL."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=255)
    file = models.FileField(upload_to="assets/")
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("image")

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return PurePosixPath(self.file.name).suffix.lstrip(".")

    @property
    def url(self) -> str:
        """The absolute address mail clients load the image from."""
        return settings.SITE_URL + reverse("content:asset", args=[self.code, self.extension])


class BrandKit(models.Model):
    """The organisation's look, applied to every new message: one row for the account."""

    name = models.CharField(_("organisation name"), max_length=150, blank=True)
    logo = models.ForeignKey(
        Asset, verbose_name=_("logo"), null=True, blank=True, on_delete=models.SET_NULL
    )
    primary_color = models.CharField(_("main colour"), max_length=7, default="#1d4e89")
    accent_color = models.CharField(_("accent colour"), max_length=7, default="#f2a900")
    text_color = models.CharField(_("text colour"), max_length=7, default="#1f2933")
    background_color = models.CharField(_("background colour"), max_length=7, default="#f3f5f8")
    address = models.TextField(
        _("postal address"),
        blank=True,
        help_text=_("Shown in the footer of every message, as anti-spam laws ask."),
    )
    website_url = models.URLField(_("website"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("brand kit")

    def __str__(self) -> str:
        return self.name or "Pregón"

    @classmethod
    def load(cls) -> "BrandKit":
        """The account's brand kit, created with the defaults the first time."""
        brand, _created = cls.objects.get_or_create(pk=1)
        return brand

    @property
    def is_filled_in(self) -> bool:
        """Whether the organisation's name, website and postal address are set: without
        them, gallery templates show placeholders and the platform's own address."""
        return bool(self.name.strip() and self.website_url and self.address.strip())

    @property
    def is_empty(self) -> bool:
        """True while nothing says whose messages these are: no name, logo, website or
        address. Gallery designs would then show "Mi organización" and link to Pregón."""
        return not (self.name or self.logo_id or self.website_url or self.address.strip())

    def as_context(self) -> dict[str, str]:
        """The values gallery templates are filled with (see ``gallery.instantiate``)."""
        return {
            "name": self.name or str(_("My organisation")),
            "logo_url": self.logo.url if self.logo else "",
            "primary_color": self.primary_color,
            "accent_color": self.accent_color,
            "text_color": self.text_color,
            "background_color": self.background_color,
            "address": self.address,
            # Templates append paths to it ("[[ brand.website_url ]]/cursos"): no trailing slash.
            "website_url": (self.website_url or settings.SITE_URL).rstrip("/"),
        }
