import datetime
import hashlib
import re
import secrets
import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin


class Role(models.TextChoices):
    """What a user may do. Each role includes everything the roles below it may do."""

    ANALYST = "analyst", _("Analyst")
    EDITOR = "editor", _("Editor")
    ADMIN = "admin", _("Administrator")


ROLE_RANK = {Role.ANALYST: 0, Role.EDITOR: 1, Role.ADMIN: 2}


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)  # None gives an unusable password (invited users).
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields["role"] = Role.ADMIN
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser):
    """A member of staff who logs in with an email address (R14: the address may change)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.EDITOR)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")

    def __str__(self) -> str:
        return self.email

    def has_role(self, role: str) -> bool:
        """True if this user's role is ``role`` or above it."""
        return self.is_active and ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]

    def is_last_admin(self) -> bool:
        """True if this is the only active administrator, who must stay one.

        Call it inside ``transaction.atomic``: it locks every active administrator's row, so
        two administrators demoting each other at the same moment cannot both succeed.
        """
        admins = User.objects.select_for_update().filter(role=Role.ADMIN, is_active=True)
        return list(admins.values_list("pk", flat=True)) == [self.pk]

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def is_editor(self) -> bool:
        return self.has_role(Role.EDITOR)


# How often a token's last use is written down (ApiToken.authenticate).
USE_RECORDED_EVERY = datetime.timedelta(minutes=1)


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored; the token is shown once."""

    PREFIX = "pgn_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple["ApiToken", str]:
        """Create a token for ``user``; return it and the raw secret, which is never stored."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, digest=cls.hash(raw), hint=raw[:8])
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        """Return the active user behind ``raw``, or None; records when the token was used."""
        tokens = cls.objects.select_related("user")
        try:
            # get(), not first(): the digest is unique, so no ORDER BY to build on every call.
            token = tokens.get(digest=cls.hash(raw), revoked_at__isnull=True, user__is_active=True)
        except cls.DoesNotExist:
            return None
        now = timezone.now()
        # At most one write a minute: a client calling many times a second (transactional
        # email) would otherwise write, and on SQLite wait for the write lock, each time.
        if token.last_used_at is None or now - token.last_used_at > USE_RECORDED_EVERY:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user

    def revoke(self) -> None:
        ApiToken.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )


class BackupCodeDevice(ThrottlingMixin, Device):
    """A user's one-time backup codes, as a django-otp device: a code passes the second step
    of logging in like one from the authenticator app, once, for someone who lost the phone.

    Only each code's SHA-256 is stored (see ``BackupCode``), unlike django-otp's own static
    tokens, which are kept in clear. Each code holds 60 random bits, too many to recover
    from its hash by trying them all.
    """

    COUNT = 10
    LENGTH = 12
    ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"

    @staticmethod
    def normalize(raw: str) -> str:
        """A code as typed (any case, spaces, hyphens) in the form it is hashed in."""
        return re.sub(r"[\s-]", "", raw).lower()

    @classmethod
    def is_code(cls, raw: str) -> bool:
        """True if ``raw`` looks like a backup code (as opposed to a six-digit app code)."""
        code = cls.normalize(raw)
        return len(code) == cls.LENGTH and all(char in cls.ALPHABET for char in code)

    @staticmethod
    def hash(code: str) -> str:
        return hashlib.sha256(code.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User) -> list[str]:
        """Replace ``user``'s backup codes with new ones; return them as the user sees them
        (``abcd-efgh-ijkl``). Only their hashes are stored."""
        codes = [
            "".join(secrets.choice(cls.ALPHABET) for _i in range(cls.LENGTH))
            for _c in range(cls.COUNT)
        ]
        cls.objects.filter(user=user).delete()
        device = cls.objects.create(user=user, name="backup codes")
        BackupCode.objects.bulk_create(
            BackupCode(device=device, digest=cls.hash(code)) for code in codes
        )
        return ["-".join(code[i : i + 4] for i in range(0, cls.LENGTH, 4)) for code in codes]

    @classmethod
    def remaining(cls, user: User) -> int | None:
        """How many unused codes ``user`` has, or None if they never had any."""
        device = cls.objects.filter(user=user).first()
        return None if device is None else device.codes.count()

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token: str) -> bool:
        """Use up the code ``token``: True once for each of this device's codes.

        Input that is not shaped like a backup code (a six-digit app code, tried on every
        device by ``django_otp.match_token``) is refused without counting as a failure.
        """
        if not self.is_code(token):
            return False
        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        digest = self.hash(self.normalize(token))
        # A conditional delete: of two logins racing with the same code, only one wins.
        used, _by_type = BackupCode.objects.filter(device=self, digest=digest).delete()
        if used:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False


class BackupCode(models.Model):
    """One unused backup code of a ``BackupCodeDevice``: its SHA-256 only. Deleted when used."""

    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"backup code {self.pk} of {self.device.user}"


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    EMAIL_CHANGED = "email_changed", _("Email address changed")
    TWO_FACTOR_ENABLED = "2fa_enabled", _("Two-factor enabled")
    TWO_FACTOR_DISABLED = "2fa_disabled", _("Two-factor disabled")
    BACKUP_CODES_CREATED = "backup_codes_created", _("Backup codes generated")
    BACKUP_CODE_USED = "backup_code_used", _("Logged in with a backup code")
    USER_INVITED = "user_invited", _("User invited")
    ROLE_CHANGED = "role_changed", _("Role changed")
    USER_DEACTIVATED = "user_deactivated", _("User deactivated")
    USER_REACTIVATED = "user_reactivated", _("User reactivated")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    EXPORT = "export", _("Contacts exported")
    IMPORT = "import", _("Contacts imported")
    DELETION = "deletion", _("Deleted")
    UNSUBSCRIBE = "unsubscribe", _("Unsubscribed from mailings")
    RESUBSCRIBE = "resubscribe", _("Subscribed to mailings again")
    QUOTA_CREDIT = "quota_credit", _("Messages credited back")
    CAMPAIGN_SENT = "campaign_sent", _("Campaign sent or scheduled")
    CAMPAIGN_STOPPED = "campaign_stopped", _("Campaign paused or cancelled")
    BACKEND_CHANGED = "backend_changed", _("Delivery backend changed")
    DOMAIN_CHANGED = "domain_changed", _("Sending domain changed")
    POPUP_CHANGED = "popup_changed", _("Pop-up published or withdrawn")
    SITE_CHANGED = "site_changed", _("Classroom site added or removed")
    WEBHOOK_CHANGED = "webhook_changed", _("Webhook or allowed host changed")
    WORKFLOW_CHANGED = "workflow_changed", _("Workflow activated, paused or resumed")
    FORM_CHANGED = "form_changed", _("Signup form published or withdrawn")
    CAMPAIGN_APPROVAL = "campaign_approval", _("Campaign approval requested, given or refused")
    AB_WINNER = "ab_winner", _("A/B test winner chosen")
    QUOTA_SETTINGS = "quota_settings", _("Quota term or expiry rule changed")
    TICKET_CHANGED = "ticket_changed", _("Support request opened, answered or its status changed")
    DELIVERABLE_BUILT = "deliverable_built", _("Delivery pack produced")
    # A bounce read again by a newer classifier no longer called for suppressing the address.
    BOUNCE_REREAD = "bounce_reread", _("Mailed again: its bounces were read again")
    TWO_FACTOR_RULE = "2fa_rule", _("Mandatory two-step login changed")
    ACCOUNT_EXPORT = "account_export", _("Whole account exported")
    MOODLE_CONNECTION = "moodle_connection", _("Moodle connection set up, changed or removed")
    MOODLE_SYNC = "moodle_sync", _("Moodle sync run")


# The field of ``TwoFactorRule`` that holds each role's rule.
TWO_FACTOR_RULE_FIELDS = {
    Role.ADMIN: "for_admins",
    Role.EDITOR: "for_editors",
    Role.ANALYST: "for_analysts",
}


class TwoFactorRule(models.Model):
    """Which roles must log in with two steps, set by an administrator (one row, ``load``).

    A user of such a role without an authenticator app is sent to set one up at login and
    on every page until they do (pregon.accounts.decorators). The API is unaffected: its
    tokens are a credential of their own.
    """

    for_admins = models.BooleanField(_("administrators"), default=False)
    for_editors = models.BooleanField(_("editors"), default=False)
    for_analysts = models.BooleanField(_("analysts"), default=False)

    class Meta:
        verbose_name = _("mandatory two-step login")

    def __str__(self) -> str:
        return ", ".join(self.roles()) or "none"

    @classmethod
    def load(cls) -> "TwoFactorRule":
        rule, _created = cls.objects.get_or_create(pk=1)
        return rule

    def roles(self) -> list[str]:
        """The roles that must use two steps, highest first."""
        fields = TWO_FACTOR_RULE_FIELDS.items()
        return [role.value for role, field in fields if getattr(self, field)]

    def applies_to(self, user: "User") -> bool:
        return user.role in self.roles()


class AuditEntry(models.Model):
    """One security-relevant action: who, what, on what, from where, when. Append-only."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    target = models.CharField(max_length=255, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.target}"

    def detail_items(self) -> list[tuple[str, str]]:
        """The details as (label, text) pairs for people: known keys translated, values
        written out (yes/no, lists joined, a mapping as "column → target")."""
        words = _detail_words()
        return [
            (str(DETAIL_LABELS.get(key, key)), _detail_text(value, words))
            for key, value in self.detail.items()
        ]


DETAIL_LABELS = {
    "kind": _("what"),
    "what": _("what"),
    "at": _("send at"),
    "members": _("contacts on it"),
    "reason": _("reason"),
    "code": _("code"),
    "rows": _("rows"),
    "columns": _("columns"),
    "update_existing": _("update existing contacts"),
    "list": _("list"),
    "tags": _("tags"),
    "old": _("before"),
    "new": _("after"),
    "role": _("role"),
    "locked": _("account locked"),
    "format": _("format"),
    "filter": _("filter"),
    "count": _("how many"),
    "via": _("through"),
    "resent": _("sent again"),
    "mailing": _("mailing"),
    "messages": _("messages"),
    "causes": _("causes"),
    "status": _("status"),
    "remaining": _("backup codes left"),
    "change": _("change"),
    "email": _("email"),
    "human": _("people only"),
    "tagged": _("contacts with it"),
    "values_removed": _("values removed"),
    "two_factor": _("two-step login"),
    "q": _("search"),
    "tag": _("tag"),
    "segment": _("segment"),
}
# The codes the details hold, in words. Codes of other apps' choices (a contact's status, a
# domain's, a bounce's cause) are read from their models through the app registry, since
# accounts comes before them in the import order.
DETAIL_WORDS = {
    "added": _("added"),
    "verified": _("verified"),
    "keys rotated": _("keys rotated"),
    "paused": _("paused"),
    "cancelled": _("cancelled"),
    "published": _("published"),
    "withdrawn": _("withdrawn"),
    "removed": _("removed"),
    "pop-up": _("pop-up"),
    "webhook": _("webhook"),
    "allowed host": _("host webhooks may reach"),
    "secret rotated": _("secret rotated"),
    "enabled": _("enabled"),
    "disabled": _("disabled"),
    "site": _("classroom site"),
    "bounce mailbox": _("bounce mailbox"),
    "campaign": _("campaign"),
    "contact": _("contact"),
    "delivery backend": _("sending server"),
    "field": _("custom field"),
    "image": _("image"),
    "list": _("list"),
    "segment": _("segment"),
    "sender": _("sender"),
    "suppression": _("suppressed address"),
    "tag": _("tag"),
    "template": _("template"),
    "command": _("the command line"),
    "link": _("a link sent by email"),
    "mailto": _("an email to the unsubscribe address"),
    "provider": _("the sending provider"),
    "one-click": _("the mail program's unsubscribe button"),
    "page": _("the unsubscribe page"),
    # Where an import sent a column.
    "email": _("Email address"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "phone": _("Phone"),
}
CODED_FIELDS = [
    ("contacts", "Contact", "status"),
    ("contacts", "Suppression", "reason"),
    ("domains", "SendingDomain", "status"),
    ("sending", "Backend", "kind"),
    ("sending", "Bounce", "cause"),
]
FIELD_PREFIX = "field:"


def _detail_words() -> dict[str, str]:
    """Code -> words in the active language, for every code a detail may hold."""
    words = {value: str(label) for value, label in Role.choices}
    for app, model, name in CODED_FIELDS:
        field = apps.get_model(app, model)._meta.get_field(name)
        words.update((value, str(label)) for value, label in field.flatchoices)
    words.update((code, str(label)) for code, label in DETAIL_WORDS.items())
    return words


def _detail_text(value: object, words: dict[str, str]) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, dict):
        return ", ".join(
            f"{DETAIL_LABELS.get(key, key)} → {_detail_text(item, words)}"
            for key, item in value.items()
        )
    if isinstance(value, list):
        return ", ".join(_detail_text(item, words) for item in value)
    if isinstance(value, str) and value.startswith(FIELD_PREFIX):
        return str(_("custom field “%(key)s”") % {"key": value[len(FIELD_PREFIX) :]})
    return words.get(value, str(value)) if isinstance(value, str) else str(value)
