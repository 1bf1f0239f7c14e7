"""Mail settings come from the environment; development prints mail, production sends it."""

import os
import subprocess
import sys

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "mokuhyo.example.jp",
    "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db",
}


def _values(*names: str, **env) -> dict[str, str]:
    """Settings as a fresh process with this environment reads them."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.development",
        "DEBUG": "",
        "EMAIL_BACKEND": "",
        **env,
    }
    shown = ", ".join(f"settings.{name}" for name in names)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(*[{shown}], sep=chr(10))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    return dict(zip(names, result.stdout.splitlines(), strict=True))


def test_development_writes_mail_to_the_console():
    assert _values("EMAIL_BACKEND", "MAIL_TRANSPORT_BACKEND", "SITE_URL") == {
        "EMAIL_BACKEND": "notifications.backends.QueuedEmailBackend",  # every mail is queued
        "MAIL_TRANSPORT_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "SITE_URL": "http://127.0.0.1:8000",
    }


def test_production_sends_through_smtp_and_reads_the_server_from_the_environment():
    values = PRODUCTION | {
        "EMAIL_HOST": "smtp.city.example.jp",
        "EMAIL_PORT": "587",
        "EMAIL_USE_TLS": "true",
        "EMAIL_HOST_USER": "mokuhyo",
        "DEFAULT_FROM_EMAIL": "mokuhyo@city.example.jp",
        "SITE_URL": "https://mokuhyo.example.jp/",
    }
    names = ["MAIL_TRANSPORT_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS"]
    names += ["EMAIL_HOST_USER"]
    assert _values(*names, "DEFAULT_FROM_EMAIL", "SITE_URL", **values) == {
        "MAIL_TRANSPORT_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.city.example.jp",
        "EMAIL_PORT": "587",
        "EMAIL_USE_TLS": "True",
        "EMAIL_HOST_USER": "mokuhyo",
        "DEFAULT_FROM_EMAIL": "mokuhyo@city.example.jp",
        "SITE_URL": "https://mokuhyo.example.jp",
    }
