"""The whole city's PDF as a background job: start it (or find the one under way), run it in
the worker, keep the last few files."""

import datetime
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core.lazy import LazyModule
from goals.history import changelog_record
from goals.models import CityPdfJob, FiscalYear

# The PDF package (WeasyPrint) is imported at the first print, not when the URLs load.
pdf = LazyModule("printing.pdf")

CITY_PDF_JOB_STALE_AFTER = datetime.timedelta(minutes=30)


CITY_PDF_JOBS_KEPT = 3


def city_pdf_job_start(*, fiscal_year: FiscalYear, kind: str, user=None):
    """Ask for the whole city's PDF of a year; a job already under way is returned, not doubled.

    The job runs as a background task (`city_pdf_build` below): at once in development,
    in `manage.py db_worker` in production.
    """
    recent = timezone.now() - CITY_PDF_JOB_STALE_AFTER
    with transaction.atomic():
        running = (
            CityPdfJob.objects.select_for_update()
            .filter(
                fiscal_year=fiscal_year,
                kind=kind,
                status__in=[CityPdfJob.Status.QUEUED, CityPdfJob.Status.RUNNING],
            )
            .order_by("-created_at")
        )
        for job in running:
            if job.created_at >= recent:
                return job
            job.status = CityPdfJob.Status.FAILED
            job.error = "時間内に終わらなかったため、中断しました。もう一度作成してください。"
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
        job = CityPdfJob(fiscal_year=fiscal_year, kind=kind, requested_by=user)
        job.full_clean()
        job.save()
        changelog_record(
            sheet=None,
            target=job,
            action="pdf.city_requested",
            user=user,
            changes={"年度": fiscal_year.label, "種類": job.get_kind_display()},
        )
    city_pdf_build.enqueue(job_id=job.pk)
    job.refresh_from_db()
    return job


def city_pdf_job_run(*, job_id: int) -> None:
    """The background task's work: build the PDF, report progress on the job, keep the file."""
    job = CityPdfJob.objects.select_related("fiscal_year").get(pk=job_id)
    if job.status != CityPdfJob.Status.QUEUED:
        return
    job.status = CityPdfJob.Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])

    def progress(stage: str, done: int, total: int) -> None:
        CityPdfJob.objects.filter(pk=job.pk).update(
            stage=stage, departments_done=done, departments_total=total
        )

    def fail(error: Exception) -> None:
        if not isinstance(error, pdf.PdfRenderError):
            logging.getLogger(__name__).exception("city PDF %s failed", job.pk)
        job.status = CityPdfJob.Status.FAILED
        job.error = str(error) if isinstance(error, pdf.PdfRenderError) else pdf.RENDER_FAILED
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])

    try:
        _, _, data = pdf.city_pdf(job.fiscal_year, job.kind, progress=progress)
        page_count = pdf.page_count(data)
    except Exception as error:
        fail(error)
        return
    try:
        job.refresh_from_db(fields=["departments_done", "departments_total"])
        name = f"{job.fiscal_year.year}_{job.kind}_{job.pk}.pdf"
        job.file.save(name, ContentFile(data), save=False)
        job.page_count = page_count
        job.status = CityPdfJob.Status.DONE
        job.stage = ""
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "page_count", "status", "stage", "finished_at"])
    except Exception as error:
        # No file without a finished job (e.g. the database went away before the last save).
        if job.file:
            job.file.delete(save=False)
        fail(error)
        return
    _city_pdf_jobs_prune(fiscal_year=job.fiscal_year, kind=job.kind)
    pdf.cache_prune()


def _city_pdf_jobs_prune(*, fiscal_year: FiscalYear, kind: str) -> None:
    finished = CityPdfJob.objects.filter(
        fiscal_year=fiscal_year,
        kind=kind,
        status__in=[CityPdfJob.Status.DONE, CityPdfJob.Status.FAILED],
    ).order_by("-created_at", "-id")
    for old in finished[CITY_PDF_JOBS_KEPT:]:
        if old.file:
            old.file.delete(save=False)
        old.delete()


@task()
def city_pdf_build(job_id: int) -> None:
    """The background task (django-tasks; `python manage.py db_worker` runs it in production)."""
    city_pdf_job_run(job_id=job_id)
