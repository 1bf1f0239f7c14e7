"""city_pdf_job_start and city_pdf_job_run: the whole city's PDF as a background job."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from goals.models import CityPdfJob
from printing import pdf
from printing.jobs import CITY_PDF_JOBS_KEPT, city_pdf_job_run, city_pdf_job_start

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

pytestmark = pytest.mark.usefixtures("accepted_sheets")


def test_runs_and_keeps_the_file(org):
    job = city_pdf_job_start(fiscal_year=org.fiscal_year, kind="plan", user=org.planner)

    job.refresh_from_db()
    assert job.status == CityPdfJob.Status.DONE
    assert job.departments_done == job.departments_total == 2
    assert job.percent == 100
    assert job.started_at <= job.finished_at
    with job.file.open("rb") as handle:
        assert pdf.page_count(handle.read()) == job.page_count == 4


@pytest.mark.django_db(transaction=True)  # the worker opens its own transactions
def test_the_database_backend_runs_it_in_the_worker(org, settings):
    settings.TASKS = DATABASE

    job = city_pdf_job_start(fiscal_year=org.fiscal_year, kind="plan", user=org.planner)
    assert job.status == CityPdfJob.Status.QUEUED

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    job.refresh_from_db()
    assert job.status == CityPdfJob.Status.DONE


def test_a_stale_job_is_given_up_and_started_again(org, settings):
    settings.TASKS = DATABASE
    lost = city_pdf_job_start(fiscal_year=org.fiscal_year, kind="plan")
    CityPdfJob.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2), status=CityPdfJob.Status.RUNNING
    )

    again = city_pdf_job_start(fiscal_year=org.fiscal_year, kind="plan")

    lost.refresh_from_db()
    assert again.pk != lost.pk
    assert lost.status == CityPdfJob.Status.FAILED
    assert "中断しました" in lost.error


def test_kinds_run_separately(org, settings):
    settings.TASKS = DATABASE

    plan = city_pdf_job_start(fiscal_year=org.fiscal_year, kind="plan")
    year_end = city_pdf_job_start(fiscal_year=org.fiscal_year, kind="year_end")

    assert plan.pk != year_end.pk


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            pdf.PdfRenderError("令和8年度の整理表はまだありません。"),
            "令和8年度の整理表はまだありません。",
        ),
        (RuntimeError("boom"), pdf.RENDER_FAILED),
    ],
)
def test_a_failure_is_recorded_in_japanese(org, monkeypatch, error, message):
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(pdf, "city_pdf", broken)

    job = city_pdf_job_start(fiscal_year=org.fiscal_year, kind="plan")

    job.refresh_from_db()
    assert job.status == CityPdfJob.Status.FAILED
    assert job.error == message
    assert not job.file


def test_only_a_queued_job_runs(org):
    job = CityPdfJob.objects.create(
        fiscal_year=org.fiscal_year, kind="plan", status=CityPdfJob.Status.DONE
    )

    city_pdf_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == CityPdfJob.Status.DONE
    assert not job.file


def test_old_jobs_and_their_files_are_removed(org):
    old = []
    for number in range(CITY_PDF_JOBS_KEPT + 1):
        job = CityPdfJob(fiscal_year=org.fiscal_year, kind="plan", status=CityPdfJob.Status.DONE)
        job.file.save(f"old{number}.pdf", ContentFile(b"%PDF"), save=False)
        job.save()
        CityPdfJob.objects.filter(pk=job.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=10 - number)
        )
        old.append(job)

    city_pdf_job_start(fiscal_year=org.fiscal_year, kind="plan")

    kept = CityPdfJob.objects.filter(kind="plan")
    assert kept.count() == CITY_PDF_JOBS_KEPT
    assert not kept.filter(pk__in=[old[0].pk, old[1].pk]).exists()
    assert not old[0].file.storage.exists(old[0].file.name)
    assert old[-1].file.storage.exists(old[-1].file.name)
