"""The Moodle connector: the classroom's web-service connection, and what its syncs copied.

One ``Connection`` per account (the classroom). A sync (pregon.moodle.sync) reads Moodle's
REST web services and keeps ``Category``, ``Course``, ``MoodleUser`` (a Moodle account and
the contact it matched by email) and ``Enrolment`` (a contact in a course, with its roles and
completion). Each run is a ``SyncRun``: its progress, its counts and its error, the history
the screens show. Segment rules, campaigns and pop-ups read these rows; nothing here is
written by anything but a sync.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pregon.contacts.models import Contact
from pregon.lib import vault
from pregon.moodle.client import Client

# Moodle's role short names a sync keeps by default: students only.
DEFAULT_ROLES = "student"


class Connection(models.Model):
    """The classroom's web-service address and token (encrypted with pregon.lib.vault, like
    relay passwords, and never shown again), and how syncs treat its data."""

    url = models.URLField(
        _("Moodle address"),
        max_length=300,
        help_text=_("The classroom's address, such as https://aula.example.gob.pe"),
    )
    token = models.TextField(blank=True, editable=False)
    roles = models.CharField(
        _("roles to sync"),
        max_length=200,
        default=DEFAULT_ROLES,
        help_text=_("Moodle's role short names, separated by commas. Usually: student."),
    )
    names_from_moodle = models.BooleanField(
        _("Moodle is the source of truth for names"),
        default=False,
        help_text=_(
            "Unchecked: a sync fills in first and last names only where the contact has "
            "none. Checked: Moodle's names replace the contact's. Consent and "
            "unsubscribes are never changed by a sync."
        ),
    )
    subscribe_new_contacts = models.BooleanField(
        _("new contacts from Moodle are subscribed"),
        default=True,
        help_text=_(
            "A Moodle user with no contact yet becomes a subscribed contact; unchecked, an "
            "unsubscribed one (kept for segments and reports, not mailed)."
        ),
    )
    conversion_days = models.PositiveSmallIntegerField(
        _("days from a click to an enrolment"),
        default=14,
        help_text=_(
            "A new enrolment in the course a campaign or pop-up announced counts as its "
            "conversion if the person clicked it within these days before."
        ),
    )
    sync_every_hours = models.PositiveSmallIntegerField(
        _("sync every (hours)"),
        default=24,
        help_text=_("0: only when someone presses “Sync now”."),
    )
    # The last "Probar conexión": Moodle's answer, as pregon.moodle.check reports it.
    site_name = models.CharField(max_length=255, blank=True, editable=False)
    release = models.CharField(max_length=100, blank=True, editable=False)
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    check_report = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Moodle connection")

    def __str__(self) -> str:
        return self.url

    @classmethod
    def current(cls) -> "Connection | None":
        """The account's connection, or None before an administrator sets one up."""
        return cls.objects.order_by("pk").first()

    def set_token(self, plain: str) -> None:
        """Keep ``plain`` encrypted; the screens never show it again."""
        self.token = vault.encrypt(plain)

    def client(self) -> Client:
        """A client of this classroom's web services; raises ``vault.InvalidToken`` if the
        encryption key changed since the token was entered (it must be entered again)."""
        return Client(self.url, vault.decrypt(self.token))

    def role_names(self) -> list[str]:
        return [name.strip() for name in self.roles.split(",") if name.strip()]


class Category(models.Model):
    """A Moodle course category, as its last sync saw it."""

    moodle_id = models.PositiveIntegerField(unique=True)
    name = models.CharField(_("name"), max_length=255)
    # Moodle's parent category id (0: top level) and path ("/1/4/9").
    parent_moodle_id = models.PositiveIntegerField(default=0)
    path = models.CharField(max_length=255, blank=True)
    visible = models.BooleanField(default=True)
    # Moodle's timemodified (a Unix time), to tell an unchanged category from an updated one.
    time_modified = models.BigIntegerField(default=0)
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["path", "name"]
        verbose_name = _("course category")
        verbose_name_plural = _("course categories")

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    """A Moodle course, as its last sync saw it."""

    moodle_id = models.PositiveIntegerField(unique=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses"
    )
    fullname = models.CharField(_("name"), max_length=255)
    shortname = models.CharField(_("short name"), max_length=255)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    visible = models.BooleanField(_("visible"), default=True)
    completion_enabled = models.BooleanField(default=False)
    time_modified = models.BigIntegerField(default=0)
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["fullname", "moodle_id"]
        verbose_name = _("course")

    def __str__(self) -> str:
        return self.fullname


class MoodleUser(models.Model):
    """A Moodle account and the contact its email matched (or created)."""

    moodle_id = models.PositiveIntegerField(unique=True)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="moodle_users")
    email = models.EmailField(max_length=254)
    synced_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.moodle_id} {self.email}"


class Enrolment(models.Model):
    """A contact enrolled in a course, in one of the roles the connection syncs."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="enrolments")
    # Moodle's role short names, comma-separated ("student").
    roles = models.CharField(max_length=200, default=DEFAULT_ROLES)
    # When a sync first found it. Moodle's enrolment services do not say when a person
    # enrolled, so an enrolment already there at the first sync has none (null): it is not
    # "new", and counts for no conversion and no "enrolled in the last N days".
    enrolled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Moodle's lastcourseaccess when completion was last asked: a completion is asked again
    # only after the person went back into the course.
    completion_checked_access = models.BigIntegerField(default=0)
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "contact"], name="one_enrolment")]
        indexes = [
            models.Index(fields=["contact", "course"]),
            models.Index(fields=["course", "enrolled_at"]),
            models.Index(fields=["enrolled_at"]),
            # Segment rules (pregon.moodle.segment_rules) read these alone, without the
            # table: "enrolled in the last N days" and "completed these courses".
            models.Index(
                fields=["enrolled_at", "contact"],
                condition=models.Q(enrolled_at__isnull=False),
                name="moodle_enrolment_recent",
            ),
            models.Index(
                fields=["course", "contact"],
                condition=models.Q(completed_at__isnull=False),
                name="moodle_enrolment_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} in {self.course_id}"


class CategoryMember(models.Model):
    """A contact enrolled in some course of a category or of one of its subcategories: one
    row per category and contact however many such courses, for the category segment rule
    (``pregon.moodle.segment_rules``), which counts them without reading enrolments. Kept
    exact by the sync through ``pregon.moodle.members``; nothing else writes it."""

    pk = models.CompositePrimaryKey("category", "contact")
    # The primary key's index (category, contact) serves the rule; no index of its own.
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.contact_id} in category {self.category_id}"


class SyncKind(models.TextChoices):
    FULL = "full", _("Full")
    INCREMENTAL = "incremental", _("Changes only")


class SyncStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class SyncRun(models.Model):
    """One sync: what started it, how far it got, what it changed and how it ended."""

    kind = models.CharField(max_length=11, choices=SyncKind.choices, default=SyncKind.INCREMENTAL)
    status = models.CharField(max_length=7, choices=SyncStatus.choices, default=SyncStatus.QUEUED)
    # The person who pressed "Sync now", or None for the schedule.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Seen by the worker running it; a running sync silent for long was abandoned.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Progress: the phase ("categories", "courses", "enrolments", "users", "completions")
    # and items done out of total in it.
    phase = models.CharField(max_length=20, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # Where a failed run stopped, for the next run to resume from (pregon.moodle.sync).
    cursor = models.JSONField(default=dict, blank=True)
    resumed_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {"courses": {"created": n, "updated": n, "unchanged": n}, "categories": …,
    #  "contacts": …, "enrolments": {…, "removed": n}, "completions": …}
    counts = models.JSONField(default=dict, blank=True)
    # Moodle's errorcode (or the client's own: "timeout", "network", "http", "redirect",
    # "format"), and what to do, as the screens show it.
    error_code = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"sync {self.pk} {self.status}"
