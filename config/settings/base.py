"""Settings shared by development and production, read from the environment.

Nothing here depends on DEBUG: `development.py` and `production.py` each decide DEBUG and the
values that follow from it (secret key, database, static files storage, task backend). Neither
imports the other.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


# Decided by development.py and production.py; Django's own default until then.
DEBUG = False

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "import_export",
    "config.apps.AxesConfig",
    "django_tasks",
    "config.apps.TasksDatabaseConfig",
    "core",
    "departments",
    "accounts",
    "goals",
    "reviews",
    "notifications",
    "printing",
    "excel",
    "publication",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body (sessions, CSRF): over-size bodies are refused unread.
    "config.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A repeated GET of a public page is answered from the cache, before sessions and the rest.
    "publication.http.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in user's responses are `private, no-store`.
    "config.middleware.PrivatePagesMiddleware",
    # Django's, letting `login_not_required` views (the public site) through before the session.
    "config.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.middleware.HtmxLoginRedirectMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    # Last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and locks out guessing (django-axes) before Django checks the password.
    "axes.backends.AxesStandaloneBackend",
    "accounts.directory.DirectoryBackend",  # accounts: see the block below
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours: locked out for 15 minutes after too many failures
# Locked by username AND address: a stranger's failures never lock the real user out elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ...and an address with this many failures (any usernames) is locked for every username.
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_HANDLER = "config.axes_handler.AddressLimitedDatabaseHandler"
# The client's address from the trusted proxies' X-Forwarded-For (config/client_ip.py).
# TRUSTED_PROXY_COUNT: how many reverse proxies append to it in front of gunicorn (nginx alone: 1);
# 0 uses REMOTE_ADDR and ignores the header (nothing in front, or a proxy that does not add it).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# --- accounts (issue 12) ------------------------------------------------------------------------
# Directory sign-in (LDAP / Active Directory, accounts/directory.py) reads every LDAP_* variable
# and is on only when LDAP_SERVER_URI is set (README「ディレクトリでのログイン」). Local accounts
# (ModelBackend) keep working beside it; django-axes stays first among the backends above.
LDAP_SETTINGS = {name: value for name, value in os.environ.items() if name.startswith("LDAP_")}
# --- end of accounts ----------------------------------------------------------------------------

# Content Security Policy: scripts and styles only from our own static files. htmx runs under it
# because its indicator styles are in app.css (htmx-config in base.html turns its inline ones off)
# and no template uses inline scripts, event-handler attributes or hx-on.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# The admin's policy: the site's, with these directives replaced (config.middleware).
ADMIN_PATH_PREFIX = "/admin/"
ADMIN_CONTENT_SECURITY_POLICY_REPLACE = {
    # The change list's <style> (a model without actions) and the export page's style attributes.
    "style-src": ["'self'", "'unsafe-inline'"],
    # django-import-export's export page: onchange="onSelectToggleChange(event)", by its hash.
    "script-src": [
        "'self'",
        "'unsafe-hashes'",
        "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='",
    ],
}

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "notifications.context_processors.todo",
            ],
            # The admin import's errors in Japanese (templates/admin/import_export/import.html).
            "libraries": {"import_errors": "config.templatetags.import_errors"},
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
# Japanese for third-party apps that ship none (django-axes).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Without `collectstatic` (development, tests) WhiteNoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = True
# The 18 MB of TrueType fonts are read from disk by WeasyPrint, never by browsers: compressing
# them (gzip and brotli) made every `collectstatic` (`make serve`) take two minutes.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Uploads (Excel import) are refused above this size, with a Japanese message.
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
# An uploaded workbook is kept here between the preview and the confirmation (so that its columns
# can be mapped again), never served; files older than two hours are removed.
IMPORT_UPLOAD_DIR = Path(os.environ.get("IMPORT_UPLOAD_DIR", BASE_DIR / "var" / "import-uploads"))
# Request bodies are refused from their Content-Length before anything parses them
# (config.middleware.RequestBodyLimitMiddleware): REQUEST_BODY_MAX_BYTES everywhere, the upload
# limit plus a margin for the rest of the form on the import URLs below and the admin's imports.
# The reverse proxy should refuse them first (nginx `client_max_body_size 12m;`, see README).
REQUEST_BODY_MAX_BYTES = int(os.environ.get("REQUEST_BODY_MAX_BYTES", str(2 * 1024 * 1024)))
REQUEST_BODY_UPLOAD_MARGIN_BYTES = 1024 * 1024
REQUEST_BODY_UPLOAD_URL_NAMES = [
    "excel:import_upload",
    "excel:import_preview",
    "excel:import_confirm",
]

# The city this installation serves: printed on covers and in page titles.
CITY_NAME = os.environ.get("CITY_NAME", "国分寺市")

# Background jobs (django-tasks), used for the whole city's PDF: TASKS is set by development.py
# (jobs run at once, in the request) and production.py (the database queue, `manage.py db_worker`).
# --- Mail (notifications) ----------------------------------------------------------------------
# EMAIL_BACKEND is decided by development.py (the console: `make run` prints every mail) and
# production.py (SMTP); EMAIL_FILE_PATH goes with the file backend
# (django.core.mail.backends.filebased.EmailBackend). SITE_URL is the address users open, put in
# front of every link in a mail.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or str(BASE_DIR / "sent-mail")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "soshiki-mokuhyo@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# --- end of mail ------------------------------------------------------------------------------

# PDF: worker processes that render the departments of the whole city's PDF side by side
# (0: one per CPU core).
PDF_RENDER_PROCESSES = int(os.environ.get("PDF_RENDER_PROCESSES", "0"))

# The public site (/public/): how long browsers, a CDN or the city's proxy may show a page without
# asking again. 0 (the default): they keep it and revalidate each time (ETag, 304), so that an
# unpublished sheet disappears at once; N seconds: it may still be seen for up to N seconds.
PUBLIC_MAX_AGE = int(os.environ.get("PUBLIC_MAX_AGE", "0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
