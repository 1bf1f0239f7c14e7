"""Background tasks (django-tasks): mails are built and sent here, never in the user's request
(with the immediate backend of `make run` and the tests they run right after the commit).

django-tasks 0.12 has no retries of its own: a failed send is tried again by enqueueing the task
with `run_after` when the backend can defer (the database backend of production); otherwise it
waits for the next `send_reminders` run, which sends every delivery whose retry time has come.
"""

from django.db import transaction
from django_tasks import task

from notifications import services


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
