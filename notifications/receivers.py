"""Listen to the domain events of goals and reviews and enqueue the mails.

No business logic here: who receives what is notifications.services' business. A failure to
enqueue is logged and swallowed: the user's action has been committed and must not fail.
"""

import logging

from goals import events as sheet_events
from notifications.models import Event
from notifications.tasks import event_notify
from reviews import events as review_events

logger = logging.getLogger(__name__)

SHEET_SIGNALS = {
    Event.SHEET_SUBMITTED: sheet_events.sheet_submitted,
    Event.SHEET_RETURNED: sheet_events.sheet_returned,
    Event.SHEET_ACCEPTED: sheet_events.sheet_accepted,
    Event.SHEET_REVISION_STARTED: sheet_events.sheet_revision_started,
}
REVIEW_SIGNALS = {
    Event.REVIEW_SUBMITTED: review_events.review_submitted,
    Event.REVIEW_CONFIRMED: review_events.review_confirmed,
    Event.REVIEW_RETURNED: review_events.review_returned,
    Event.REVIEW_REOPENED: review_events.review_reopened,
}


def _enqueue(event: str, target, user) -> None:
    actor_id = user.pk if user is not None and user.is_authenticated else None
    try:
        event_notify.enqueue(str(event), target.pk, actor_id)
    except Exception:
        logger.exception("通知を登録できませんでした（%s %s）", event, target.pk)


def _sheet_receiver(event: str):
    def receive(sender, *, sheet, user=None, **kwargs):
        _enqueue(event, sheet, user)

    return receive


def _review_receiver(event: str):
    def receive(sender, *, review, user=None, **kwargs):
        _enqueue(event, review, user)

    return receive


# Kept referenced: signals hold their receivers weakly.
_RECEIVERS = {}


def connect() -> None:
    for event, signal in SHEET_SIGNALS.items():
        _RECEIVERS[event] = _sheet_receiver(event)
        signal.connect(_RECEIVERS[event], dispatch_uid=f"notifications.{event}")
    for event, signal in REVIEW_SIGNALS.items():
        _RECEIVERS[event] = _review_receiver(event)
        signal.connect(_RECEIVERS[event], dispatch_uid=f"notifications.{event}")
