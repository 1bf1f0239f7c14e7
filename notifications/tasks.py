"""Background tasks (django-tasks): mails are built and sent here, never in the user's request
(with the immediate backend of `make run` and the tests they run right after the commit).

django-tasks 0.12 has no retries of its own: a failed send is tried again by enqueueing the task
with `run_after` when the backend can defer (the database backend of production); otherwise it
waits for the next `send_reminders` run, which sends every delivery whose retry time has come.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from goals.models import FiscalYear
from notifications import selectors, services


def deliveries_enqueue(delivery_ids) -> None:
    """Send these deliveries in the background once the current transaction commits."""
    for delivery_id in delivery_ids:
        transaction.on_commit(lambda delivery_id=delivery_id: delivery_send.enqueue(delivery_id))


@task()
def event_notify(event: str, target_id: int, actor_id: int | None = None) -> int:
    """Write the mails of a workflow event (see services.event_deliveries_create), then send."""
    ids = services.event_deliveries_create(event=event, target_id=target_id, actor_id=actor_id)
    deliveries_enqueue(ids)
    return len(ids)


@task()
def delivery_send(delivery_id: int) -> str:
    """One attempt; after a failure the next one is scheduled while attempts remain."""
    retry_at = services.delivery_attempt(delivery_id=delivery_id)
    if retry_at is not None and delivery_send.get_backend().supports_defer:
        delivery_send.using(run_after=retry_at).enqueue(delivery_id)
        return "retry scheduled"
    return "retry later" if retry_at is not None else "done"


# The reminders as a job of the worker (instead of cron) ------------------------------------------

REMINDER_HOUR = 8  # local time: the reminders go out at the start of the working day


def next_morning(now: datetime.datetime) -> datetime.datetime:
    """The next REMINDER_HOUR o'clock in local time after `now`."""
    local = timezone.localtime(now)
    at = local.replace(hour=REMINDER_HOUR, minute=0, second=0, microsecond=0)
    if at <= local:
        at += datetime.timedelta(days=1)
    return at


def reminders_send_all(*, today: datetime.date):
    """Every open year's reminders of the day, and the mails whose retry time has come, queued
    for sending. Returns ([(fiscal year, run)], number of retries) for the caller to report."""
    retries = selectors.deliveries_due_for_retry(now=timezone.now())
    deliveries_enqueue(retries)
    runs = []
    for fiscal_year in FiscalYear.objects.exclude(phase=FiscalYear.Phase.CLOSED):
        run = services.reminders_send(fiscal_year=fiscal_year, today=today)
        deliveries_enqueue(run.delivery_ids)
        runs.append((fiscal_year, run))
    return runs, len(retries)


@task()
def reminders_daily() -> int:
    """The daily reminders (`send_reminders --every-day` queues the first run): it sends what
    is due today, then queues itself for the next morning. The reminders' own record makes a
    second run of the same day send nothing."""
    runs, _ = reminders_send_all(today=timezone.localdate())
    if reminders_daily.get_backend().supports_defer:
        reminders_daily.using(run_after=next_morning(timezone.now())).enqueue()
    return sum(len(run.delivery_ids) for _, run in runs)
