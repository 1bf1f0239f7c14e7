"""Production settings: `check --deploy` is clean, and unsafe configurations refuse to start."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

SECRET = "x" * 30 + "-production-secret-for-the-check-only-0123456789"


def run_check(**env):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "mokuhyo.example.jp",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        **env,
    }
    if "DEBUG" not in env:
        environment.pop("DEBUG", None)
    # Set by the browser tests for Playwright's event loop; never part of a deployment.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing():
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": "sqlite:///x.sqlite3"}, "PostgreSQL"),
        ({"DEBUG": "true"}, "DEBUG"),
    ],
)
def test_unsafe_production_configuration_refuses_to_start(env, message):
    result = run_check(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_database_connections_are_kept_between_requests():
    """A connection per request would cost PostgreSQL a new backend process every time."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "mokuhyo.example.jp",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    }
    environment.pop("DEBUG", None)
    environment.pop("CONN_MAX_AGE", None)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from config.settings import production; "
            "print(production.DATABASES['default']['CONN_MAX_AGE'])",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "60"
