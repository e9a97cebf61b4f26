import uuid
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBSCRIBED = "subscribed", _("Subscribed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    BOUNCED = "bounced", _("Bounced")
    COMPLAINED = "complained", _("Complained")
    # Signed up through a form with double opt-in and has not confirmed yet: receives
    # nothing but the confirmation and its one reminder, and is not a subscriber.
    PENDING = "pending", _("Pending confirmation")


class ConsentSource(models.TextChoices):
    FORM = "form", _("Subscription form")
    IMPORT = "import", _("Imported from a file")
    API = "api", _("API")
    MANUAL = "manual", _("Entered by staff")
    MOODLE = "moodle", _("Moodle classroom")


class MailingList(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    # A public topic: people choose it on signup forms and in the preference centre, under
    # its public name and description (staff's name may be internal).
    is_topic = models.BooleanField(_("public topic"), default=False)
    public_name = models.CharField(_("public name"), max_length=150, blank=True)
    public_description = models.TextField(_("public description"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("list")

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")

    def __str__(self) -> str:
        return self.name


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    BOOLEAN = "bool", _("Yes/no")


class Field(models.Model):
    """A custom field the user defines. Values live in ``Contact.attributes[key]`` as JSON:
    text as a string, number as a number, date as an ISO ``YYYY-MM-DD`` string (so that
    string comparison is date order), yes/no as a boolean."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=100)
    type = models.CharField(_("type"), max_length=8, choices=FieldType.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # Whether the field's segment rules read its column of contacts (PostgreSQL; a text,
    # number or date field), which a large table gets from a background task
    # (``segments.columns``); until then they compute the value from ``attributes``.
    column_ready = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["label"]
        verbose_name = _("custom field")

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save the field; a new one gets its column for segment rules (on PostgreSQL),
        now or from a background task (``segments.columns.prepare_field_column``)."""
        # Imported here: the segments package imports these models.
        from pregon.contacts.segments.columns import prepare_field_column

        adding = self._state.adding
        with transaction.atomic():  # No field without its column, or the task for it.
            super().save(*args, **kwargs)
            if adding:
                prepare_field_column(self)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Delete the field and its column for segment rules."""
        from pregon.contacts.segments.columns import remove_field_column

        with transaction.atomic():
            # Wait for a task building the column to commit it, and keep one from
            # starting, so that no column outlives its field.
            list(Field.objects.select_for_update().filter(pk=self.pk).values_list("pk"))
            remove_field_column(self)
            return super().delete(*args, **kwargs)


class SubscribedIndex(models.Index):
    """The subscribed contacts' ids (``Contact.Meta``). SQLite reads a partial index
    without the table only if it holds every column the query names, and never infers a
    column's value from the index's condition: there its entries carry the status too."""

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor == "sqlite":
            with_status = models.Index(
                fields=["status", *self.fields], condition=self.condition, name=self.name
            )
            return with_status.create_sql(model, schema_editor, using, **kwargs)
        return super().create_sql(model, schema_editor, using, **kwargs)


class Contact(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Stored trimmed and lower-cased: see pregon.contacts.normalize.normalize_email. Unique
    # through Meta.constraints rather than unique=True, which on PostgreSQL would add a second
    # (varchar_pattern_ops) index nothing uses, and that a million-row import pays for.
    email = models.EmailField(_("email address"), max_length=254)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    # E.164 (+51987654321), or empty.
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # When the contact asked for no more SMS (a "BAJA" or "STOP" reply, or staff): SMS only,
    # their email subscription is untouched. Empty: SMS may be sent to the phone.
    sms_opted_out_at = models.DateTimeField(_("opted out of SMS"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBSCRIBED
    )
    attributes = models.JSONField(_("custom fields"), default=dict, blank=True)
    lists = models.ManyToManyField(MailingList, through="Subscription", related_name="contacts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts")
    # Consent, as Peru's Ley 29733 on personal data expects: where, when, from which
    # address, and the exact wording the person agreed to.
    consent_source = models.CharField(
        _("consent source"), max_length=16, choices=ConsentSource.choices, blank=True
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_ip = models.GenericIPAddressField(_("consent IP address"), null=True, blank=True)
    consent_text = models.TextField(_("consent wording"), blank=True)
    # A signup form's consent: which form (its name as it was), the visitor's address hashed
    # (pregon.tracking.models.hash_ip, never the address itself), and when the person
    # confirmed by the link in the confirmation email (double opt-in).
    # A database default too: the import and the benchmarks insert contacts in raw SQL.
    consent_form = models.CharField(_("consent form"), max_length=150, blank=True, db_default="")
    consent_ip_hash = models.CharField(max_length=64, blank=True, db_default="")
    consent_confirmed_at = models.DateTimeField(_("consent confirmed at"), null=True, blank=True)
    # The person paused emails until then (preference centre): marketing email skips them.
    paused_until = models.DateTimeField(_("emails paused until"), null=True, blank=True)
    # When a relay last accepted an email to this contact, brought up to date from the
    # messages sent by the scheduler's tick (pregon.sending.last_sent): the segment rule
    # "received an email in the last N days" reads this column instead of the messages (one
    # pass over contacts, fast on a million). No index: a count reads most rows anyway.
    last_sent_at = models.DateTimeField(_("last email sent at"), null=True, blank=True)
    # When the contact last opened (an open or a click) and last clicked a message, people's
    # events only (tracking.models.Event.opening, clicking), kept by the flush that writes
    # the events (pregon.tracking.engagement): the segment rules "opened/clicked in the last
    # N days", "ever" and "never" read these instead of joining the events.
    last_opened_at = models.DateTimeField(_("last opened at"), null=True, blank=True)
    last_clicked_at = models.DateTimeField(_("last clicked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("contact")
        indexes = [
            # A segment's status rule is an index-only scan already in id order, which
            # PostgreSQL merges with lists' and tags' memberships (docs/design.md). Most
            # contacts are subscribed, and most rules and every send ask for them: their
            # ids alone, half the size of (status, id) entries and with no status to
            # check, are a seventh less of the widest count. The other statuses keep
            # (status, id). A contact has an entry in one of the two, as in one index before.
            SubscribedIndex(
                fields=["id"],
                condition=models.Q(status=Status.SUBSCRIBED),
                name="contact_subscribed",
            ),
            models.Index(
                fields=["status", "id"],
                condition=~models.Q(status=Status.SUBSCRIBED),
                name="contact_other_status",
            ),
            # "Opened in the last N days" and "ever" from this index alone, status included,
            # instead of a pass over every contact's row. Only contacts who opened have an
            # entry: an import writes none. The price: an open the tracking flush records
            # changes an indexed column, so the contact's update is never heap-only ("HOT")
            # and writes to every index here (docs/design.md, "The last open from an index").
            models.Index(
                fields=["last_opened_at", "status", "id"],
                condition=models.Q(last_opened_at__isnull=False),
                name="contact_last_opened",
            ),
            # The same for "clicked in the last N days" and "ever", at the same price for
            # the flush of clicks, which are fewer.
            models.Index(
                fields=["last_clicked_at", "status", "id"],
                condition=models.Q(last_clicked_at__isnull=False),
                name="contact_last_clicked",
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["email"], name="unique_contact_email")]

    def __str__(self) -> str:
        return self.email

    # Columns that only their own UPDATEs change: ``contacts.sms_opt_out``, and the facts
    # that the scheduler's roll-up (``sending.last_sent``) and the tracking flush
    # (``tracking.engagement``) keep.
    KEPT_ELSEWHERE = frozenset(
        {"sms_opted_out_at", "last_sent_at", "last_opened_at", "last_clicked_at"}
    )

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save the contact; an existing one without the columns ``KEPT_ELSEWHERE``. The
        contact screen and the API save a contact read before they checked the data: a BAJA
        reply handled meanwhile must not be written back as "receives SMS", nor an open
        flushed meanwhile be undone."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.KEPT_ELSEWHERE
            ]
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @classmethod
    def move_forward(cls, column: str, latest: models.QuerySet) -> int:
        """Set ``column`` (a date kept elsewhere) of each ``latest_contact`` of ``latest``
        (a grouped query) to its ``latest_at`` where that is later; how many changed.

        One statement, UPDATE … FROM (PostgreSQL, and SQLite since 3.33).
        """
        if column not in cls.KEPT_ELSEWHERE:
            raise ValueError(column)
        select_sql, params = latest.query.sql_with_params()
        table = cls._meta.db_table
        # Only our own names and the ORM's own SQL are formatted in.
        sql = (
            f"UPDATE {table} SET {column} = latest.latest_at FROM ({select_sql}) AS latest "  # noqa: S608
            f"WHERE {table}.id = latest.latest_contact "
            f"AND ({table}.{column} IS NULL OR {table}.{column} < latest.latest_at)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount


class SmsVia(models.TextChoices):
    REPLY = "reply", _("replied BAJA or STOP")
    STAFF = "staff", _("by staff")
    API = "api", _("through the API")


class SmsChoice(models.Model):
    """A change of a contact's SMS choice, as ``sms_opt_out`` records it: opted out, or SMS
    enabled again (which needs the person's request, Ley 29733), how, and by whom.

    Replies to SMS record their opt-outs here too; those that earlier versions received
    set ``Contact.sms_opted_out_at`` alone: an opt-out with no row at that moment came from
    such a reply, and enabling SMS again writes that row first, so the history keeps it.
    """

    # No index of its own: contacts_smschoice_contact starts with this column and serves it.
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="sms_choices", db_index=False
    )
    at = models.DateTimeField(default=timezone.now)
    is_opted_out = models.BooleanField()
    via = models.CharField(max_length=8, choices=SmsVia.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # How the person asked (a call, a letter), as staff wrote it.
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["contact", "at"], name="contacts_smschoice_contact")]

    def __str__(self) -> str:
        return f"{self.contact_id} {'out' if self.is_opted_out else 'in'} {self.at:%Y-%m-%d}"

    @property
    def how(self) -> str:
        """How it came, for people: "replied BAJA or STOP", "by staff: ana@…"."""
        text = str(self.get_via_display())
        return f"{text}: {self.by.email}" if self.by_id else text


class Subscription(models.Model):
    """A contact's membership of a list."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE)
    # No index of its own: unique_subscription starts with this column and serves it.
    mailing_list = models.ForeignKey(MailingList, on_delete=models.CASCADE, db_index=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailing_list", "contact"], name="unique_subscription")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} in {self.mailing_list_id}"


class TopicOptOut(models.Model):
    """A person left a topic (a list marked ``is_topic``) without unsubscribing from
    everything: in the preference centre or on the unsubscribe page. The subscription row
    is deleted (so every audience leaves them out); this row keeps when, and the message
    whose link they came by (so a campaign's report shows topic opt-outs apart from full
    unsubscribes). Plain ids for the message and campaign: contacts may not import sending
    or campaigns."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="topic_opt_outs")
    mailing_list = models.ForeignKey(MailingList, on_delete=models.CASCADE)
    at = models.DateTimeField(default=timezone.now)
    message_id = models.PositiveBigIntegerField(null=True, blank=True)
    campaign_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.contact_id} left {self.mailing_list_id}"


class SuppressionReason(models.TextChoices):
    MANUAL = "manual", _("Added by staff")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    BOUNCED = "bounced", _("Hard bounce")
    COMPLAINED = "complained", _("Complaint")


class Suppression(models.Model):
    """An address that must never be mailed, whether or not it is a contact."""

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    reason = models.CharField(
        _("reason"), max_length=16, choices=SuppressionReason.choices, default="manual"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suppressed address")

    def __str__(self) -> str:
        return self.email


class Segment(models.Model):
    """A saved audience: ``rules`` is data (see pregon.contacts.segments), never SQL."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150, unique=True)
    rules = models.JSONField(_("rules"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting for column mapping")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class Import(models.Model):
    """One uploaded CSV/XLSX file and the progress of bringing it into the contacts."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    file = models.FileField(upload_to="imports/")
    original_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=8)  # "csv" or "xlsx"
    encoding = models.CharField(max_length=32, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    header = models.JSONField(default=list)
    # Column index (as a string) -> target ("email", "first_name", "field:<key>", …).
    mapping = models.JSONField(default=dict, blank=True)
    update_existing = models.BooleanField(default=True)
    mailing_list = models.ForeignKey(MailingList, null=True, blank=True, on_delete=models.SET_NULL)
    tags = models.ManyToManyField(Tag, blank=True)
    consent_text = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    report = models.FileField(upload_to="imports/reports/", blank=True)
    error = models.TextField(blank=True)
    # A worker holds the import while its lease is fresh; the scheduler's reaper requeues an
    # import whose worker died (django-tasks-db never retries a task on its own).
    leased_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The task result id of the latest attempt, so the reaper can tell a lost task.
    task_id = models.CharField(max_length=64, blank=True)
    # The uploader's language: the report's reasons are written in it.
    language = models.CharField(max_length=8, default=settings.LANGUAGE_CODE)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_in_progress(self) -> bool:
        """Started and not finished yet: a worker has it or will take it."""
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, self.processed_rows * 100 // self.total_rows)
