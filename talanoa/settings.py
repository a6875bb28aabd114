"""Talanoa settings: one file, read from the environment (see docs/configuration.md)."""

import secrets
from pathlib import Path

import environ
from django.utils.csp import CSP
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key() -> str:
    # A key generated once per checkout keeps sessions valid across restarts for local use;
    # production sets SECRET_KEY in the environment.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
DEBUG = env.bool("DEBUG", default=False)
# HTTPS=1 when served behind a TLS proxy: secure cookies, HSTS, redirects.
HTTPS = env.bool("HTTPS", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # sitemap.xml (portal/discovery.py)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "simple_history",
    "django_tasks_db",
    # Talanoa's apps, in their layers (docs/architecture.md): the core, members, the
    # capabilities (each after what it builds on), then the pages over all of them and the API.
    "talanoa",
    "members",
    "papers",
    "tasks",
    "meetings",
    "decisions",
    "plan",
    "advisory",
    "engagement",
    "directory",
    "indicators",
    "reports",
    "portal",
    "api",
    # Serves the API docs' Swagger UI from our own static files, not a CDN.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "talanoa.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "talanoa.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "talanoa.middleware.RequireMFAForEditorsMiddleware",
    "talanoa.middleware.PersonTimeZoneMiddleware",
    "talanoa.pagecache.AnonymousPageCacheMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "talanoa.urls"
WSGI_APPLICATION = "talanoa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "talanoa.context_processors.talanoa",
            ],
        },
    }
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'talanoa.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at
            # BEGIN so concurrent writers wait (busy timeout) instead of failing mid-transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query to machine code (JIT) when its estimated cost is high, which
    # the visibility filters' many EXISTS make it: 1.3 s of compiling for a 140 ms query (the task
    # register, ten years of data). Talanoa's queries are short; compiling never pays back.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# Reuse connections between requests: opening one (and, for SQLite, its PRAGMAs) costs more than
# a small page's queries.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
    # Sessions read from Redis and written through to the database: every app server sees a
    # login at once, and a Redis restart logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole pages for anonymous readers, from the cache (talanoa.pagecache). Its invalidation counter
# must be shared by every process, so it is on by default only with Redis.
PAGE_CACHE = env.bool("PAGE_CACHE", default=bool(REDIS_URL))
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)
# Rate limit counts (talanoa.ratelimit) must be shared by every process too, or each gunicorn
# worker lets a limit through: in Redis when there is one, else in the database (RateCount).
RATE_LIMIT_STORE = "cache" if REDIS_URL else "database"

# Background work (meeting notices, reminders) runs in `manage.py db_worker`, which `make run`
# starts beside the web server; the queue is a table in the same database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:member_home"
LOGOUT_REDIRECT_URL = "portal:home"

# Accounts are invitation-only (see members.adapters); login by email.
ACCOUNT_ADAPTER = "members.adapters.InvitationOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# The reset form queues the email for the worker, whether or not the address has an account, so
# the answer takes the same time either way and tells no one which addresses have one (L6).
ACCOUNT_FORMS = {"reset_password": "members.password_reset.QueuedResetPasswordForm"}
# Invitation-only: do not write to addresses that have no account.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Talanoa] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Talanoa")
# allauth refuses an authenticator while the account has an unverified address (against someone
# signing up with another's address and locking its owner out). Nobody signs up here: an account
# exists once its address has answered an invitation. allauth never marks addresses verified
# here (ACCOUNT_EMAIL_VERIFICATION) but adds them unverified on the fly (making a reset link
# does), so an editor who had asked for a reset could never enrol, and the enrolment the portal
# demands of the chair and secretariat sent them round in a loop (issue 25, M1).
MFA_ALLOW_UNVERIFIED_EMAIL = True

# Lockout after repeated failed logins, per account and address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "members.adapters.axes_username"
AXES_LOCKOUT_TEMPLATE = "members/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# allauth throttles failed logins too, and it checks before axes does: with its default
# (5 per account in 5 minutes) the attempt after an axes lockout would get allauth's terser
# "try again later" on the login form instead of the lockout page. Its per-account limit stays
# (it catches guessing spread over many addresses) but sits above axes's.
# allauth's other limits are set here explicitly (its defaults as of 65.x unless tightened), so
# an upgrade cannot change them unseen. Over a limit allauth answers templates/429.html.
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"10/m/ip,{2 * AXES_FAILURE_LIMIT}/5m/key",
    # Every login attempt per client address (allauth's default).
    "login": env.str("ACCOUNT_RATE_LOGIN", default="30/m/ip"),
    # Asking for a reset email: per address, and per email address so no one is mail-bombed
    # (allauth's default is 20/m/ip,5/m/key).
    "reset_password": env.str("ACCOUNT_RATE_RESET_PASSWORD", default="20/h/ip,3/h/key"),
    # The page the reset email links to (GET and POST), per address (default 20/m/ip).
    "reset_password_from_key": env.str("ACCOUNT_RATE_RESET_PASSWORD_FROM_KEY",
                                       default="20/h/ip"),
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
    "manage_email": "10/m/user",
    "signup": "20/m/ip",  # invitation-only: allauth's own signup is closed (members.adapters)
}

# Our own limits (talanoa.ratelimit: a fixed window, "N/s|min|hour|day", RATE_LIMIT_STORE).
# Invitations sent by one person (accounts, consultative, one item, a ministry's advisory link).
INVITATION_RATE = env.str("INVITATION_RATE", default="30/hour")
# Anonymous forms, per form and client address: "take part" (anyone may post it) and the
# forms behind an emailed link (RSVP, accepting an invitation, a ministry's advisory request,
# confirming a "take part" email).
TAKE_PART_RATE = env.str("TAKE_PART_RATE", default="10/hour")
PUBLIC_FORM_RATE = env.str("PUBLIC_FORM_RATE", default="30/hour")

SIMPLE_HISTORY_REVERT_DISABLED = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Stored in UTC; shown in the reader's zone. The secretariat's default is Fiji (Suva).
TIME_ZONE = env.str("TIME_ZONE", default="Pacific/Fiji")

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "files")))
# Files are never served from MEDIA_URL: every download goes through a view that asks the policy.
# MEDIA_ROOT is beside STATIC_ROOT, never inside it (whitenoise serves all of STATIC_ROOT).
# Uploads are checked by content (talanoa.lib.files.validate_upload) and refused above this size.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_MB", default=25) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STORAGES = {
    # Every stored file takes the safe form of its name (talanoa.lib.files.safe_filename).
    "default": {"BACKEND": "talanoa.lib.files.SafeNameStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
WHITENOISE_MAX_AGE = 3600 if not DEBUG else 0
# Source maps (4 of the 8 MB collected, mostly Swagger UI's and ReDoc's) are for developers'
# tools, which ask for them rarely: not worth compressing twice at every collectstatic.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587 or consolemail:// (default).
_email = env.email_url("EMAIL_URL", default="consolemail://")
_smtp_options = {"host": _email.get("EMAIL_HOST"), "port": _email.get("EMAIL_PORT"),
                 "username": _email.get("EMAIL_HOST_USER"),
                 "password": _email.get("EMAIL_HOST_PASSWORD"),
                 "use_tls": _email.get("EMAIL_USE_TLS"), "use_ssl": _email.get("EMAIL_USE_SSL"),
                 "timeout": 30}
_mail_options: dict[str, object] = {}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _mail_options = {k: v for k, v in _smtp_options.items() if v is not None}
elif _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    # filemail:///path/to/dir: one file per message (a staging server, the cluster test).
    # (django-environ drops the path's leading slash: the path is always absolute.)
    _mail_options = {"file_path": "/" + _email["EMAIL_FILE_PATH"].lstrip("/")}
# Every message is a row first (talanoa/outbox.py), written with the change that causes it; the
# worker sends the rows through "delivery", the relay EMAIL_URL names.
MAILERS = {"default": {"BACKEND": "talanoa.outbox.OutboxMailer"},
           "delivery": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _mail_options}}
# The domain of Message-IDs (default: this machine's name).
MAIL_DOMAIN = env.str("MAIL_DOMAIN", default="") or None
# /healthz fails when a message waits longer than this, or a task runs longer than that.
MAIL_LATE_MINUTES = env.int("MAIL_LATE_MINUTES", default=15)
TASK_STUCK_MINUTES = env.int("TASK_STUCK_MINUTES", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Talanoa <talanoa@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. No inline script anywhere: the CSP forbids it.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
# Browser features no page uses, denied to every page and frame (Permissions-Policy, sent by
# talanoa.middleware.PermissionsPolicyMiddleware). browsing-topics: no interest profiling.
PERMISSIONS_POLICY = ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]
# (Django's own default, stated: a page opened from another site cannot reach this one's window.)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Logs go to stdout (systemd's journal, a container's log). LOG_FORMAT=json writes one JSON object
# per line (talanoa.logs), as `make serve` and the deploy/ units do; "text" is for a terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"heartbeat_at_debug": {"()": "talanoa.logs.HeartbeatAtDebug"}},
    "formatters": {"json": {"()": "talanoa.logs.JsonFormatter"},
                   "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                             "formatter": "json" if LOG_FORMAT == "json" else "text"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        # The worker's start/stop and each task's failure are worth a line in production.
        "django_tasks_db": {"level": env.str("WORKER_LOG_LEVEL", default="INFO")},
        # Each task run is a line (django.tasks, INFO); the heartbeat's only at DEBUG.
        "django.tasks": {"filters": ["heartbeat_at_debug"]},
    },
}

# The working group a fresh install serves first.
DEFAULT_GROUP_SLUG = env.str("DEFAULT_GROUP_SLUG", default="ict")
# Days before a meeting when invitees are reminded, unless the meeting says otherwise.
MEETING_REMINDER_DAYS = env.str("MEETING_REMINDER_DAYS", default="14,1")
SHARED_DATA_DIR = Path(env.str("SHARED_DATA_DIR", default=str(BASE_DIR / "members" / "data")))

# The API's rate limits (django-ninja throttles, counted by talanoa.ratelimit: RATE_LIMIT_STORE).
# Anonymous calls count per client address, token calls per token; above the limit the answer is
# 429 with Retry-After.
API_RATE_ANONYMOUS = env.str("API_RATE_ANONYMOUS", default="120/min")
API_RATE_TOKEN = env.str("API_RATE_TOKEN", default="600/min")

# --- webhooks ---
# Webhook addresses must be https and resolve to public IP addresses; these hosts are exempt
# (plain http and a private address allowed), e.g. "127.0.0.1" for a receiver on the same
# machine. Empty in production. DEBUG exempts every host.
WEBHOOK_LOCAL_HOSTS = env.list("WEBHOOK_LOCAL_HOSTS", default=[])
# --- end webhooks ---

# --- cluster ---
# Behind nginx the app server's peer is the proxy: the client's address comes in X-Real-IP.
# Any client can send that header, so it is believed only when TRUSTED_PROXY says a proxy that
# overwrites it is in front (deploy/nginx-talanoa-proxy.conf does), and only from that proxy's
# addresses or networks, FORWARDED_ALLOW_IPS (also the list gunicorn trusts X-Forwarded-Proto
# from, deploy/gunicorn.conf.py). Off by default: a client of a proxy that passes the header on
# would otherwise choose the address the sign-in lockout and the rate limits count. With it on,
# only the proxy may reach the app server (BIND), since whoever connects from those addresses is
# believed. Set FORWARDED_ALLOW_IPS to the proxy's address when nginx runs on another host.
TRUSTED_PROXY = env.bool("TRUSTED_PROXY", default=False)
FORWARDED_ALLOW_IPS = env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1", "::1"])
MIDDLEWARE.insert(0, "talanoa.proxy.RealClientAddressMiddleware")
# --- end cluster ---

# --- crash ---
# A write is answered only once it is on disk. With WAL, SQLite's usual synchronous=NORMAL
# survives a crash of the app server (the commit is in the OS's cache) but a power cut, kernel
# crash or VM reset can lose the last commits (never the database's consistency): writes the
# users were told were saved. FULL syncs the WAL at every commit: one fsync per write, 3–5 ms
# measured on a 2-core VM's disk. SQLITE_SYNCHRONOUS=NORMAL trades that back.
# PostgreSQL syncs every commit by default (synchronous_commit=on).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _synchronous = env.str("SQLITE_SYNCHRONOUS", default="FULL").upper()
    if _synchronous not in ("NORMAL", "FULL", "EXTRA"):
        raise environ.ImproperlyConfigured("SQLITE_SYNCHRONOUS is NORMAL, FULL or EXTRA.")
    DATABASES["default"]["OPTIONS"]["init_command"] = (
        f"PRAGMA journal_mode=WAL; PRAGMA synchronous={_synchronous};")
# --- end crash ---

# --- backup ---
# Where `manage.py backup` writes (one directory per backup, named by its UTC time) and where
# `--keep N` prunes. Better on another disk than the database; copy it off the machine too.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))
# --- end backup ---
