"""Pregón settings: one file, every deploy-time knob read from the environment here.

Nothing else in the code base reads ``os.environ``. See ``.env.example`` for the knobs.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


def envsecret(name: str, default: str = "") -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE (Docker/systemd style)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name) or default


def read_or_create_secret(path: Path) -> str:
    """The secret kept in ``path``, created random and readable by this user alone if missing.

    The file is created with its final mode (O_EXCL, 0600), never widened then narrowed, so no
    other user can open it in between, whatever the umask.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    from secrets import token_urlsafe

    with os.fdopen(fd, "w") as f:
        f.write(token_urlsafe(50))
    return path.read_text().strip()


# Everything Pregón writes (the database and its journal, the cache, the outbox, the spool,
# uploads, exports) holds contacts' data or secrets: folders 0700 and files 0600 for every
# process that loads these settings, whatever umask it was started with.
os.umask(0o077)
VAR_DIR = Path(envstr("PREGON_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)

DEBUG = envbool("PREGON_DEBUG", False)
SECRET_KEY = envsecret("PREGON_SECRET_KEY")
SECRET_KEY_FROM_ENV = bool(SECRET_KEY)
if not SECRET_KEY:
    # A fresh install gets a random key kept under var/, so `make run` needs no setup and
    # sessions survive restarts. Production sets PREGON_SECRET_KEY (checked by pregon.W001).
    SECRET_KEY = read_or_create_secret(VAR_DIR / "secret_key")

# Encrypts stored secrets (relay passwords, API keys, DKIM keys): see pregon/lib/vault.py.
ENCRYPTION_KEY = envsecret("PREGON_ENCRYPTION_KEY") or SECRET_KEY

SITE_URL = envstr("PREGON_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = envstr("PREGON_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [SITE_URL]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # django-ninja's templates and static files: the API docs page uses the Swagger UI it
    # ships instead of a CDN, because the users' machines have no internet access.
    "ninja",
    "pregon",
    "pregon.accounts",
    "pregon.contacts",
    "pregon.moodle",
    "pregon.content",
    "pregon.domains",
    "pregon.sending",
    "pregon.tracking",
    "pregon.webhooks",
    "pregon.campaigns",
    "pregon.automation",
    "pregon.forms",
    "pregon.popups",
    "pregon.reports",
    "pregon.operations",
    "pregon.help",
    "pregon.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pregon.urls"
WSGI_APPLICATION = "pregon.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite (WAL) under var/ by default; PREGON_DATABASE_URL=postgresql://… for scale-out.
DATABASE_URL = envsecret("PREGON_DATABASE_URL", f"sqlite:///{VAR_DIR / 'pregon.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue on busy_timeout
        # instead of one failing with "database is locked" when it upgrades its lock.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): lock an address+IP pair after repeated failures.
AXES_FAILURE_LIMIT = envint("PREGON_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "pregon.lib.proxy.client_ip"

# Password-reset links one address, or one client's IP, may ask for in an hour.
PASSWORD_RESET_LIMIT = envint("PREGON_PASSWORD_RESET_LIMIT", 5)
# Transactional emails (POST /api/v1/transactional) one API token may ask for in a minute.
TRANSACTIONAL_PER_MINUTE = envint("PREGON_TRANSACTIONAL_PER_MINUTE", 1200)

# Two-factor (django-otp): the name authenticator apps show next to the user's email.
OTP_TOTP_ISSUER = "Pregón"

# Secure session and cookie settings. HTTPS-only flags follow the site URL's scheme.
_https = SITE_URL.startswith("https://")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _https
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = envbool("PREGON_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _https else None
# Reverse proxies in front of the web server whose X-Forwarded-For is trusted (0: none).
PROXY_COUNT = envint("PREGON_PROXY_COUNT", 0)
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of every page (django-csp): our own scripts, styles, images and
# frames only, so that HTML slipped into a page can neither run nor send data away. Style
# attributes stay allowed (progress bars, chart heights), not <style> elements. A response
# that sets its own policy keeps it: the previews of an email are stricter (content.preview);
# the visual editor adds what GrapesJS needs (content.views.editors).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "pregon_language"
TIME_ZONE = envstr("PREGON_TIME_ZONE", "America/Lima")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
# Django's storage would otherwise chmod uploads to 0644, past the umask above.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Uploads: imports stream to disk; the web process never holds a whole file in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = envint("PREGON_IMPORT_MAX_MB", 250) * 1024 * 1024
# An XLSX file is a zip: what it holds once unpacked, and how much more than it takes
# packed, are capped before openpyxl opens it (its shared strings are held in memory).
IMPORT_XLSX_MAX_BYTES = envint("PREGON_IMPORT_XLSX_MAX_MB", 100) * 1024 * 1024
IMPORT_XLSX_MAX_RATIO = envint("PREGON_IMPORT_XLSX_MAX_RATIO", 100)
# The mapping screen has one choice per column (and Django refuses forms of 1,000 fields).
IMPORT_MAX_COLUMNS = envint("PREGON_IMPORT_MAX_COLUMNS", 500)
IMAGE_MAX_BYTES = envint("PREGON_IMAGE_MAX_MB", 5) * 1024 * 1024
# Up to this many contacts, a new custom field's column for segment rules is added in the
# request that creates the field (under a second on PostgreSQL); with more, by a background
# task (pregon/contacts/segments/columns.py).
FIELD_COLUMN_INLINE_CONTACTS = 50_000

# The plan (R4): messages a month, for how many months, from which day (YYYY-MM-DD; empty:
# the month the plan was first set up). See pregon/sending/quota.py.
QUOTA_MONTHLY = envint("PREGON_QUOTA_MONTHLY", 50_000)
QUOTA_MONTHS = envint("PREGON_QUOTA_MONTHS", 12)
QUOTA_START = envstr("PREGON_QUOTA_START")
# SMS parts a plan month allows (SMS have a ledger of their own: pregon.sending.sms.quota).
SMS_QUOTA_MONTHLY = envint("PREGON_SMS_QUOTA_MONTHLY", 1_000)
# What personalising one message may take (pregon/content/render.py): past either, that
# message fails with the reason, and the others go on.
RENDER_TIMEOUT_MS = envint("PREGON_RENDER_TIMEOUT_MS", 1000)
RENDER_MAX_BYTES = envint("PREGON_RENDER_MAX_MB", 5) * 1024 * 1024
# The name Pregón gives relays in EHLO; empty: the host of PREGON_SITE_URL
# (pregon/sending/transports/smtp.py). Relays may refuse a client that calls itself
# "localhost".
EHLO_NAME = envstr("PREGON_EHLO_NAME")
# Seconds before each new try of a message the relay deferred; then it fails.
SENDING_RETRY_DELAYS = [60, 300, 900, 3600, 10800]
# Opens and clicks are spooled here by the web processes and written to the database in
# batches by the scheduler (pregon/tracking/spool.py): a web machine of its own shares this
# folder with the scheduler, or runs `pregon flushevents`. A spool file is taken this many
# seconds after its second ended.
TRACKING_SPOOL_DIR = Path(envstr("PREGON_TRACKING_SPOOL_DIR", str(VAR_DIR / "spool")))
TRACKING_SPOOL_GRACE = 2
# Soft bounces of one address before it is mailed no more (pregon/sending/bounces.py).
SOFT_BOUNCE_LIMIT = envint("PREGON_SOFT_BOUNCE_LIMIT", 3)
# Seconds between two checks of each bounce mailbox (pregon/tracking/mailbox.py).
BOUNCE_POLL_SECONDS = envint("PREGON_BOUNCE_POLL_SECONDS", 60)
# The domain of the return path (VERP) and of the List-Unsubscribe mailto; empty: the
# sender's own domain.
RETURN_PATH_DOMAIN = envstr("PREGON_RETURN_PATH_DOMAIN")
# The host that receives bounces: the MX to publish for the return-path domain (empty: any MX).
BOUNCE_HOST = envstr("PREGON_BOUNCE_HOST")
# The DNS servers the domain checks ask, "address" or "address:port" ("[v6]:port"),
# comma-separated; empty: the system's resolvers (/etc/resolv.conf).
DNS_SERVERS = [s.strip() for s in envstr("PREGON_DNS_SERVERS").split(",") if s.strip()]

# Providers' webhooks (pregon/tracking/webhooks.py), read by django-anymail. Each endpoint
# stays closed (404) until PREGON_WEBHOOK_SECRET ("user:password", the basic auth every
# provider sends) is set, and Mailgun's until its webhook signing key is too. SendGrid's
# signature is checked when its verification key (the public key it shows) is set.
ANYMAIL = {
    "WEBHOOK_SECRET": envsecret("PREGON_WEBHOOK_SECRET"),
    "MAILGUN_WEBHOOK_SIGNING_KEY": envsecret("PREGON_MAILGUN_WEBHOOK_SIGNING_KEY"),
    "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY": envsecret(
        "PREGON_SENDGRID_WEBHOOK_VERIFICATION_KEY"
    ),
}

# System mail (password resets, invitations). Campaign traffic never goes through this.
EMAIL_BACKEND = envstr("PREGON_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = envstr("PREGON_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("PREGON_EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("PREGON_EMAIL_USER")
EMAIL_HOST_PASSWORD = envsecret("PREGON_EMAIL_PASSWORD")
EMAIL_USE_TLS = envbool("PREGON_EMAIL_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = envstr("PREGON_DEFAULT_FROM_EMAIL", "Pregón <pregon@localhost>")
# A help desk's address that receives every support request (R17) besides the
# administrators, and may answer them by email (pregon/help/support/); empty: none.
SUPPORT_EMAIL = envstr("PREGON_SUPPORT_EMAIL")

ADMIN_EMAIL = envstr("PREGON_ADMIN_EMAIL")
ADMIN_PASSWORD = envsecret("PREGON_ADMIN_PASSWORD")

# `pregon run`: where the web server listens and how many processes it starts.
BIND = envstr("PREGON_BIND", "127.0.0.1:8000")
WEB_WORKERS = envint("PREGON_WEB_WORKERS", 2)
TASK_WORKERS = envint("PREGON_TASK_WORKERS", 1)
# Sending processes (`pregon runsender`): one per core is a good start.
SENDER_WORKERS = envint("PREGON_SENDER_WORKERS", 1)
# Part tracking (issue 19): the niceness `pregon run` gives its batch processes (senders,
# task workers, workflows), so that the web server's answers (the open pixel first) do not
# wait behind a campaign on busy cores; 0 runs them at the web server's priority.
BATCH_NICE = envint("PREGON_BATCH_NICE", 10)

# issue 19, ops: who may read /metrics (pregon.operations.metrics). A bearer token, or the
# client's address in one of these networks (comma-separated CIDRs, as PREGON_PROXY_COUNT
# sees it); neither set: /metrics answers 404. /healthz, /readyz and /metrics are called by
# machines on the loopback over plain HTTP, so PREGON_SSL_REDIRECT leaves them alone.
METRICS_TOKEN = envsecret("PREGON_METRICS_TOKEN")
METRICS_ALLOW = [cidr.strip() for cidr in envstr("PREGON_METRICS_ALLOW").split(",") if cidr.strip()]
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Paths in log messages (Django's "Not Found: /t/baja/…") lose their link tokens.
    "filters": {"redact_tokens": {"()": "pregon.lib.accesslog.RedactTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": envstr("PREGON_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Else a line per detector it tries (17) for every message of the bounce mailbox.
        "flufl.bounce": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 100

# Scale-out. The retries' delays in seconds, comma-separated, instead of
# SENDING_RETRY_DELAYS' (the fault harness, bench/scaleout.py, waits seconds, not hours).
if _retry_delays := envstr("PREGON_SENDING_RETRY_DELAYS"):
    SENDING_RETRY_DELAYS = [int(delay) for delay in _retry_delays.split(",")]
# A persistent connection is checked before each request reuses it, so that the first
# request after a PostgreSQL restart gets a new one instead of an error.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Backups. `pregon backup --encrypt` and `pregon restore` take the passphrase
# from here, never from their command line (pregon/operations/encryption.py).
BACKUP_PASSPHRASE = envsecret("PREGON_BACKUP_PASSPHRASE")
