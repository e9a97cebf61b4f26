"""Support requests (R17) and the training centre's "watched" marks.

A ticket's thread and history are one list of entries in order: what the requester wrote,
each reply (from the screen, by email or through the API) and each change of status.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TicketStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("support request", "New")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")


class Ticket(models.Model):
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    # The requester's address when the ticket was opened: replies go there.
    email = models.EmailField()
    subject = models.CharField(max_length=200)
    # The path of the screen the request was made from, if any.
    page = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=TicketStatus, default=TicketStatus.NEW)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["status", "-updated_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"


class EntryKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    STATUS = "status", _("Status changed")


class EntryVia(models.TextChoices):
    WEB = "web", _("Web")
    EMAIL = "email", _("Email")
    API = "api", _("API")


class TicketEntry(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=8, choices=EntryKind, default=EntryKind.MESSAGE)
    # Empty for a reply that came by email from an address that is no user.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    from_email = models.EmailField(blank=True)
    body = models.TextField(blank=True)
    # For a STATUS entry: the status the ticket took.
    status = models.CharField(max_length=12, choices=TicketStatus, blank=True)
    via = models.CharField(max_length=8, choices=EntryVia, default=EntryVia.WEB)
    # The Message-ID of an entry that came by email: the same email read twice adds nothing.
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.kind}"


class TicketAttachment(models.Model):
    entry = models.ForeignKey(TicketEntry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="tickets/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name


class WatchedTutorial(models.Model):
    """A user has watched a tutorial (to its end, or marked it by hand)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watched_tutorials"
    )
    slug = models.SlugField(max_length=80)
    watched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "slug"], name="help_watched_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.slug}"
