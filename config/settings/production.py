"""Production: `DJANGO_SETTINGS_MODULE=config.settings.production`.

Requires SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (PostgreSQL). Serve with gunicorn behind a
TLS-terminating reverse proxy; WhiteNoise serves the collected static files; `manage.py db_worker`
runs the jobs. Imports `base` only, never the development settings: every value decided here is
decided with DEBUG off, whatever the environment's DEBUG (which must not be on).
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list

if env_bool("DEBUG", False):
    raise ImproperlyConfigured("本番設定では DEBUG をオンにできません。")
DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY に50文字以上のランダムな値を設定してください。")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS を設定してください（カンマ区切りのホスト名）。")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", [f"https://{host}" for host in ALLOWED_HOSTS if host]
)

if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL を設定してください（PostgreSQL）。")
# Persistent connections: opening one per request costs PostgreSQL a new backend process each time.
DATABASES = {
    "default": dj_database_url.config(
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("本番では DATABASE_URL に PostgreSQL を指定してください。")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The whole city's PDF is a job in the database queue, run by `python manage.py db_worker`
# (never inside the web request: a big city takes longer than gunicorn's timeout).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# HTTPS everywhere: the proxy terminates TLS and tells us with X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Allows, does not cause, submission to the browsers' preload list.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 10  # a working day
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Mail (notifications): production sends through SMTP unless EMAIL_BACKEND says otherwise; the
# server and SITE_URL come from the environment (see the mail block of the base settings).
# Every mail goes through the queue (notifications.backends), sent by the worker with retries.
EMAIL_BACKEND = "notifications.backends.QueuedEmailBackend"
MAIL_TRANSPORT_BACKEND = (
    os.environ.get("EMAIL_BACKEND") or "django.core.mail.backends.smtp.EmailBackend"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.security": {"level": "INFO"}},
}
