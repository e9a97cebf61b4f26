"""Pop-ups for the virtual classroom (R12): what staff plan, the sites that load them, and
what visitors did with them.

A ``Site`` is one origin (the classroom's address) allowed to load ``/p/embed.js`` and the
pop-ups' configuration; every live pop-up is offered to every site, and its own rules (URL
patterns, Moodle's context) say on which pages it shows. ``PopupEvent`` rows come from the
embed script's beacons through a spool (pregon.popups.spool), like opens and clicks.
"""

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pregon.contacts.models import Contact, Segment
from pregon.forms.models import SignupForm
from pregon.moodle.models import Course
from pregon.tracking.models import ConversionMethod


def new_site_key() -> str:
    return secrets.token_urlsafe(9)


class Site(models.Model):
    """A web origin (scheme, host and port) allowed to show the pop-ups: the classroom."""

    key = models.CharField(max_length=16, unique=True, default=new_site_key, editable=False)
    name = models.CharField(_("name"), max_length=150)
    origin = models.CharField(
        _("site address"),
        max_length=200,
        unique=True,
        help_text=_("Scheme and host, as the browser sends them: https://aula.example.gob.pe"),
    )
    # When the embed script last loaded its configuration from this origin.
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")

    def __str__(self) -> str:
        return self.name


class Format(models.TextChoices):
    MODAL = "modal", _("Centred window")
    TOP_BAR = "top", _("Bar at the top")
    BOTTOM_BAR = "bottom", _("Bar at the bottom")
    CORNER = "corner", _("Corner slide-in")


class Trigger(models.TextChoices):
    LOAD = "load", _("When the page loads")
    DELAY = "delay", _("After some seconds")
    SCROLL = "scroll", _("After scrolling part of the page")
    EXIT = "exit", _("When the visitor is about to leave (desktop)")


class Audience(models.TextChoices):
    EVERYONE = "all", _("Everyone")
    KNOWN = "known", _("Only visitors known as contacts")
    UNKNOWN = "unknown", _("Only visitors not yet known")


class Device(models.TextChoices):
    ANY = "any", _("Any device")
    DESKTOP = "desktop", _("Desktop only")
    PHONE = "phone", _("Phone only")


class LoginState(models.TextChoices):
    ANY = "any", _("Logged in or guest")
    LOGGED_IN = "in", _("Logged-in visitors only")
    GUEST = "out", _("Guests only")


class Frequency(models.TextChoices):
    ONCE = "once", _("Once ever")
    SESSION = "session", _("Once per session")
    EVERY_DAYS = "days", _("Once every N days")
    TOTAL = "total", _("At most N times in total")


class AfterAction(models.TextChoices):
    NEVER = "never", _("Never again")
    AFTER_DAYS = "days", _("Again after N days")


class PopupStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", pgettext_lazy("pop-up", "Scheduled")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")


class Popup(models.Model):
    """One pop-up: its content, when and where it shows, to whom, and how often."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    # Drafts never show; a published pop-up shows between its start and end.
    is_published = models.BooleanField(_("published"), default=False)
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=10,
        help_text=_("When several pop-ups match a page, only the highest shows."),
    )

    # Content (the gallery design it started from, and what staff wrote).
    design = models.CharField(_("design"), max_length=30, blank=True)
    format = models.CharField(
        _("format"), max_length=8, choices=Format.choices, default=Format.MODAL
    )
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"), blank=True)  # HTML cleaned by nh3
    image_url = models.URLField(_("image"), max_length=500, blank=True)
    button_text = models.CharField(_("button text"), max_length=60, blank=True)
    button_url = models.URLField(_("button link"), max_length=1000, blank=True)
    background_color = models.CharField(_("background colour"), max_length=7, blank=True)
    text_color = models.CharField(_("text colour"), max_length=7, blank=True)
    button_color = models.CharField(_("button colour"), max_length=7, blank=True)

    # When: start and end (stored in UTC, entered in the account's time zone), the days of
    # the week (0 Monday … 6 Sunday) and the hours (from, to; 0 to 24) in that time zone.
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    weekdays = models.JSONField(_("days of the week"), default=list, blank=True)
    hour_from = models.PositiveSmallIntegerField(_("from hour"), default=0)
    hour_to = models.PositiveSmallIntegerField(_("to hour"), default=24)
    trigger = models.CharField(
        _("show it"), max_length=8, choices=Trigger.choices, default=Trigger.LOAD
    )
    # Seconds for DELAY, percent for SCROLL.
    trigger_value = models.PositiveSmallIntegerField(_("seconds or percent"), default=0)

    # Where: URL patterns (one per line, * matches anything) and Moodle's page context.
    include_urls = models.TextField(_("show on addresses"), blank=True)
    exclude_urls = models.TextField(_("never on addresses"), blank=True)
    course_ids = models.JSONField(_("courses"), default=list, blank=True)
    category_ids = models.JSONField(_("course categories"), default=list, blank=True)
    # The Moodle course it announces: a new enrolment in it after a click on the pop-up is
    # its conversion (pregon.moodle, pregon.popups.moodle_conversions).
    promoted_course = models.ForeignKey(
        Course,
        verbose_name=_("course it announces"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    page_types = models.JSONField(_("page types"), default=list, blank=True)
    login_state = models.CharField(
        _("logged in"), max_length=4, choices=LoginState.choices, default=LoginState.ANY
    )
    avoid_quiz = models.BooleanField(_("never during a quiz or an exam"), default=True)

    # Who.
    audience = models.CharField(
        _("audience"), max_length=8, choices=Audience.choices, default=Audience.EVERYONE
    )
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="popups",
    )
    device = models.CharField(_("device"), max_length=8, choices=Device.choices, default=Device.ANY)

    # How often.
    frequency = models.CharField(
        _("how often"), max_length=8, choices=Frequency.choices, default=Frequency.SESSION
    )
    frequency_value = models.PositiveSmallIntegerField(_("N"), default=1)
    after_action = models.CharField(
        _("after a click, close or form"),
        max_length=8,
        choices=AfterAction.choices,
        default=AfterAction.NEVER,
    )
    after_action_days = models.PositiveSmallIntegerField(_("days"), default=30)

    # An optional signup form inside the pop-up: one of the forms staff build under
    # /formularios/, submitted through the same function as its hosted page. PROTECT: a form
    # shown by a pop-up cannot be deleted from under it (the pop-up would silently lose its
    # form); the form's delete screen names the pop-ups to change first.
    signup_form = models.ForeignKey(
        SignupForm,
        verbose_name=_("signup form"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="popups",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-priority", "-id"]
        verbose_name = _("pop-up")

    def __str__(self) -> str:
        return self.name

    def status(self, now: datetime.datetime | None = None) -> str:
        """Draft, scheduled (published, not yet started), live, or ended."""
        now = now or timezone.now()
        if not self.is_published:
            return PopupStatus.DRAFT
        if self.ends_at and self.ends_at <= now:
            return PopupStatus.ENDED
        if self.starts_at and self.starts_at > now:
            return PopupStatus.SCHEDULED
        return PopupStatus.LIVE


class PopupEventKind(models.TextChoices):
    VIEWED = "viewed", pgettext_lazy("pop-up event", "Viewed")
    CLICKED = "clicked", pgettext_lazy("pop-up event", "Clicked")
    CLOSED = "closed", pgettext_lazy("pop-up event", "Closed")
    SUBMITTED = "submitted", pgettext_lazy("pop-up event", "Form sent")
    CONVERTED = "converted", pgettext_lazy("pop-up event", "Converted")


class PopupEvent(models.Model):
    """One thing a visitor did with a pop-up, as the embed script (or the click redirect, the
    form or a conversion) reported it."""

    popup = models.ForeignKey(Popup, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=PopupEventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    # The random id the embed script keeps in the classroom's storage: unique visitors.
    visitor = models.CharField(max_length=32, blank=True)
    # Known when the visitor came from a tracked email link, or sent the pop-up's form.
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="popup_events"
    )
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The page's path (no query), and Moodle's course id on it, if any.
    page = models.CharField(max_length=300, blank=True)
    course_id = models.PositiveIntegerField(null=True, blank=True)
    device = models.CharField(max_length=8, blank=True)
    # Why it looks like a machine's ("bot", "flood"), or "" for a person.
    machine = models.CharField(max_length=16, blank=True)
    ip_hash = models.CharField(max_length=16, blank=True)
    # The goal's name for a conversion.
    detail = models.CharField(max_length=255, blank=True)
    # A conversion's method (pregon.tracking.models.ConversionMethod).
    method = models.CharField(max_length=6, choices=ConversionMethod.choices, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["popup", "kind", "at"]),
            models.Index(fields=["contact", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.popup_id}"
