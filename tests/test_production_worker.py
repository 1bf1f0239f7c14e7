"""Issue 16, point 11: under the production settings `manage.py db_worker` runs the whole city's
PDF through the database queue (it once exited with "Backend 'default' is not a database backend"
and the PDF was built inside the web request)."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from goals.models import CityPdfJob, GoalSheet, SheetStatus
from printing.jobs import city_pdf_job_start

SECRET = "worker-test-" + "y" * 40 + "-0123456789"
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
FINISHED = [CityPdfJob.Status.DONE, CityPdfJob.Status.FAILED]

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="本番設定は PostgreSQL が必要です。CI は PostgreSQL で実行します。",
    ),
    # The worker is another process: it sees only what this test has committed.
    pytest.mark.django_db(transaction=True),
]


def production_environment(media_root) -> dict[str, str]:
    options = connection.settings_dict
    credentials = options["USER"] + (f":{options['PASSWORD']}" if options["PASSWORD"] else "")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "mokuhyo.example.jp",
        "DATABASE_URL": (
            f"postgres://{credentials}@{options['HOST'] or '127.0.0.1'}:"
            f"{options['PORT'] or 5432}/{options['NAME']}"
        ),
        "MEDIA_ROOT": str(media_root),
        # One process renders: the test stays light on a shared machine.
        "PDF_RENDER_PROCESSES": "1",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("DEBUG", "TASKS_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        environment.pop(name, None)
    return environment


def test_db_worker_under_production_settings_builds_the_city_pdf(org, settings, tmp_path):
    settings.TASKS = DATABASE_QUEUE  # this process enqueues as the production web would
    # The whole-city bundle prints accepted sheets.
    GoalSheet.objects.filter(fiscal_year=org.fiscal_year).update(status=SheetStatus.ACCEPTED)
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2"],
            cwd=settings.BASE_DIR,
            env=production_environment(tmp_path / "media"),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        job = city_pdf_job_start(fiscal_year=org.fiscal_year, kind="plan", user=org.planner)
        assert job.status == CityPdfJob.Status.QUEUED  # queued, not built in this request

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and worker.poll() is None:
            job.refresh_from_db()
            if job.status in FINISHED:
                break
            time.sleep(0.2)
        output = log_path.read_text(errors="replace")
        assert worker.poll() is None, f"db_worker exited ({worker.returncode}):\n{output}"
        assert job.status == CityPdfJob.Status.DONE, f"{job.status} {job.error}\n{output}"
        assert job.page_count == 4
        assert (tmp_path / "media" / job.file.name).is_file()
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    assert worker.returncode == 0, log_path.read_text(errors="replace")
