"""Production settings: `check --deploy` is clean, and unsafe configurations refuse to start."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

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


def production_values(expression: str, **env) -> object:
    """Imports the production settings in a fresh interpreter and returns `expression`'s value."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "mokuhyo.example.jp",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    }
    for name in ("DEBUG", "CONN_MAX_AGE", "TASKS_BACKEND"):
        environment.pop(name, None)
    environment.update(env)
    result = subprocess.run(  # noqa: S603 (the expression is the test's own)
        [
            sys.executable,
            "-c",
            "import json, sys; from config.settings import production as s; "
            f"print(json.dumps({expression}))",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("debug", [None, "", "false"])
def test_production_queues_jobs_and_keeps_connections_whatever_debug_says(debug):
    """Issue 16, point 11: with DEBUG unset the production settings once inherited the
    development task backend (immediate: the whole city's PDF built inside the web request, and
    `db_worker` refusing to start) and CONN_MAX_AGE 0."""
    env = {} if debug is None else {"DEBUG": debug}
    values = production_values(
        "[s.TASKS['default']['BACKEND'], s.DATABASES['default']['CONN_MAX_AGE'], s.DEBUG, "
        "s.STORAGES['staticfiles']['BACKEND'], 'config.settings.development' in sys.modules]",
        **env,
    )
    assert values == [
        "django_tasks_db.DatabaseBackend",
        60,
        False,
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        False,
    ]


def test_production_ignores_the_development_task_backend_override():
    """TASKS_BACKEND is a development switch: production always queues."""
    backend = production_values(
        "s.TASKS['default']['BACKEND']",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    assert backend == "django_tasks_db.DatabaseBackend"


def test_base_settings_decide_nothing_that_depends_on_debug():
    base = importlib.import_module("config.settings.base")
    for name in ("SECRET_KEY", "DATABASES", "STORAGES", "TASKS", "ALLOWED_HOSTS"):
        assert not hasattr(base, name), name
    assert base.DEBUG is False


def test_development_is_the_default_everywhere():
    root = Path(settings.BASE_DIR)
    for path in ("manage.py", "config/wsgi.py"):
        assert '"config.settings.development"' in (root / path).read_text(encoding="utf-8")
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert 'DJANGO_SETTINGS_MODULE = "config.settings.development"' in pyproject


def test_database_connections_are_kept_between_requests():
    """A connection per request would cost PostgreSQL a new backend process every time."""
    assert production_values("s.DATABASES['default']['CONN_MAX_AGE']") == 60
    assert production_values("s.DATABASES['default']['CONN_MAX_AGE']", CONN_MAX_AGE="0") == 0
