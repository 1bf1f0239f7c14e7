"""Development and tests (the default): `make run`, `make test`, manage.py on a developer's machine.

SQLite unless DATABASE_URL says otherwise, DEBUG on unless DEBUG=false, jobs run at once in the
request. Never used in production: `config.settings.production` imports `base`, not this module.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, env_bool, env_list

DEBUG = env_bool("DEBUG", True)
# Development only; production.py requires its own. With DEBUG off (trying production-like
# behaviour) the well-known key is refused as before.
SECRET_KEY = os.environ.get("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Jobs (the whole city's PDF) run at once, in the request. TASKS_BACKEND=django_tasks_db.
# DatabaseBackend tries the queue with `python manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND")
        or "django_tasks.backends.immediate.ImmediateBackend",
    }
}

# Mail (notifications) is printed on the console unless EMAIL_BACKEND says otherwise.
# Every mail goes through the application's queue (notifications.backends); the backend that
# really sends is the EMAIL_BACKEND variable, or the console.
EMAIL_BACKEND = "notifications.backends.QueuedEmailBackend"
MAIL_TRANSPORT_BACKEND = (
    os.environ.get("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
)
