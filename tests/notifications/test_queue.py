"""With the database queue of production (django-tasks-db): the user's request only enqueues;
the worker writes and sends the mails, and schedules a failed send again with `run_after`."""

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from goals import services as sheet_services
from notifications.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def work(capture):
    """What `db_worker` does with each ready task (the worker itself opens its own SQLite
    transactions, which the test's transaction does not allow)."""
    while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        with capture(execute=True):  # a task's own on_commit (the sends) as after its commit
            result.claim("test-worker")
            arguments = result.args_kwargs
            result.set_successful(result.task.call(*arguments["args"], **arguments["kwargs"]))


def test_the_request_only_enqueues_and_the_worker_sends(
    city, database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sheet_services.sheet_submit(
            sheet=city.sheet_a, version=city.sheet_a.version, user=city.head_a
        )
    assert mail.outbox == [] and not Delivery.objects.exists()
    assert DBTaskResult.objects.count() == 1
    work(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_a_failed_send_is_scheduled_again(
    city, database_queue, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    with django_capture_on_commit_callbacks(execute=True):
        sheet_services.sheet_submit(
            sheet=city.sheet_a, version=city.sheet_a.version, user=city.head_a
        )
    work(django_capture_on_commit_callbacks)
    deliveries = list(Delivery.objects.all())
    assert {delivery.status for delivery in deliveries} == {Delivery.Status.RETRYING}
    waiting = DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now())
    assert waiting.count() == 2
    assert {result.run_after for result in waiting} == {d.next_attempt_at for d in deliveries}
