"""Background tasks (django-tasks). In production `python manage.py db_worker` runs them."""

from django_tasks import task

from goals.services import city_pdf_job_run


@task()
def city_pdf_build(job_id: int) -> None:
    """The whole city's PDF of a year (see `goals.services.city_pdf_job_run`)."""
    city_pdf_job_run(job_id=job_id)
