"""Writes for notifications: who gets which mail (a Delivery each), sending one with its retries,
the daily reminders, and a user's own mail settings.

Nothing here sends during the user's action: the receivers enqueue tasks (notifications/tasks.py)
once the change is committed, and a mail server that fails only marks the delivery.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from goals.history import changelog_record
from goals.models import FiscalYear, GoalSheet
from notifications import selectors
from notifications.mail import Mail, event_mail, reminder_mail
from notifications.models import (
    DeadlineKind,
    Delivery,
    Event,
    NotificationSetting,
    ReminderRecord,
)
from reviews.models import Review

logger = logging.getLogger(__name__)

# Sending ----------------------------------------------------------------------------------------

# After the first failed attempt, try again after these delays (seconds); then give up.
RETRY_DELAYS = (60, 5 * 60, 30 * 60)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def delivery_create(*, recipient, event: str, mail: Mail) -> Delivery:
    """A mail waiting to be sent to one person (or recorded as having nobody to go to)."""
    address = (recipient.email or "").strip()
    delivery = Delivery(
        recipient=recipient,
        to_address=address,
        event=event,
        subject=mail.subject[:200],
        body_text=mail.text,
        body_html=mail.html,
        status=Delivery.Status.QUEUED if address else Delivery.Status.NO_ADDRESS,
        last_error="" if address else "メールアドレスが登録されていません。",
    )
    delivery.full_clean()
    delivery.save()
    return delivery


QUEUED_BACKEND = "notifications.backends.QueuedEmailBackend"


def delivery_record(
    *, to_address: str, subject: str, body_text: str, body_html: str = ""
) -> Delivery:
    """A mail written elsewhere through Django's mail API (notifications.backends), to be sent
    like the others: the person is found by the address where there is one."""
    recipient = get_user_model().objects.filter(email__iexact=to_address).first()
    delivery = Delivery(
        recipient=recipient,
        to_address=to_address,
        event=Event.ACCOUNT,
        subject=subject[:200],
        body_text=body_text,
        body_html=body_html,
    )
    delivery.full_clean()
    delivery.save()
    return delivery


def _transport():
    """The backend that really sends: never the queue itself (that would queue again)."""
    backend = settings.EMAIL_BACKEND
    if backend == QUEUED_BACKEND:
        backend = settings.MAIL_TRANSPORT_BACKEND
    return get_connection(backend)


def _message(delivery: Delivery) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=delivery.subject,
        body=delivery.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_address],
        connection=_transport(),
    )
    if delivery.body_html:
        message.attach_alternative(delivery.body_html, "text/html")
    return message


@transaction.atomic
def delivery_attempt(*, delivery_id: int, now: datetime.datetime | None = None):
    """Send the delivery once. Returns when to try again after a failure (None: sent, given up
    or nothing to do). The row is locked while sending, so that two workers never both send."""
    delivery = (
        Delivery.objects.select_for_update()
        .filter(pk=delivery_id, status__in=[Delivery.Status.QUEUED, Delivery.Status.RETRYING])
        .first()
    )
    if delivery is None:
        return None
    now = now or timezone.now()
    delivery.attempts += 1
    try:
        _message(delivery).send(fail_silently=False)
    except Exception as error:  # any failure of the mail server is recorded, never raised
        delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        if delivery.attempts < MAX_ATTEMPTS:
            delivery.status = Delivery.Status.RETRYING
            delivery.next_attempt_at = now + datetime.timedelta(
                seconds=RETRY_DELAYS[delivery.attempts - 1]
            )
        else:
            delivery.status = Delivery.Status.FAILED
            delivery.next_attempt_at = None
        logger.warning(
            "メールを送れませんでした（%s、%s回目）: %s", delivery.pk, delivery.attempts, error
        )
    else:
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = now
        delivery.next_attempt_at = None
    delivery.save(update_fields=["attempts", "status", "last_error", "next_attempt_at", "sent_at"])
    return delivery.next_attempt_at


@transaction.atomic
def delivery_requeue(*, delivery: Delivery, user) -> Delivery:
    """Planning staff send an undelivered mail again (to the person's current address)."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status not in Delivery.UNDELIVERED:
        return delivery
    address = (delivery.recipient.email or "").strip() if delivery.recipient_id else ""
    before = delivery.get_status_display()
    delivery.to_address = address or delivery.to_address
    if not delivery.to_address:
        return delivery
    delivery.status = Delivery.Status.QUEUED
    delivery.attempts = 0
    delivery.next_attempt_at = None
    delivery.full_clean()
    delivery.save(update_fields=["to_address", "status", "attempts", "next_attempt_at"])
    changelog_record(
        sheet=None,
        target=delivery,
        action="notification.resent",
        user=user,
        changes={"状態": [before, delivery.get_status_display()]},
    )
    return delivery


# Workflow events --------------------------------------------------------------------------------

SHEET_EVENTS = {
    Event.SHEET_SUBMITTED,
    Event.SHEET_RETURNED,
    Event.SHEET_ACCEPTED,
    Event.SHEET_REVISION_STARTED,
}
REVIEW_EVENTS = {
    Event.REVIEW_SUBMITTED,
    Event.REVIEW_CONFIRMED,
    Event.REVIEW_RETURNED,
    Event.REVIEW_REOPENED,
}


def _sheet_recipients(event: str, sheet: GoalSheet) -> list:
    year = sheet.fiscal_year.year
    if event in (Event.SHEET_SUBMITTED, Event.SHEET_REVISION_STARTED):
        return selectors.planning_staff(year=year)
    return selectors.department_heads(department_id=sheet.department_id, year=year)


def _review_recipients(event: str, review: Review) -> list:
    if event == Event.REVIEW_SUBMITTED:
        sheet = review.item.sheet
        return selectors.department_heads(
            department_id=sheet.department_id, year=sheet.fiscal_year.year
        )
    return selectors.review_writers(review)


def event_deliveries_create(
    *, event: str, target_id: int, actor_id: int | None = None
) -> list[int]:
    """The mails of one workflow event, one per recipient (never to the person who acted).

    Sheet submitted or revision started: planning staff of the sheet's year. Returned or
    accepted: that department's heads. Review submitted: the department's heads. Confirmed,
    returned or reopened: the review's writer.
    """
    try:
        if event in SHEET_EVENTS:
            target = selectors.sheet_for_mail(pk=target_id)
            recipients = _sheet_recipients(event, target)
        elif event in REVIEW_EVENTS:
            target = selectors.review_for_mail(pk=target_id)
            recipients = _review_recipients(event, target)
        else:
            raise ValueError(f"unknown event {event!r}")
    except (GoalSheet.DoesNotExist, Review.DoesNotExist):
        return []  # deleted before the task ran
    with transaction.atomic():
        return [
            delivery_create(
                recipient=recipient,
                event=event,
                mail=event_mail(event=event, target=target, recipient=recipient),
            ).pk
            for recipient in recipients
            if recipient.pk != actor_id
        ]


# Reminders -------------------------------------------------------------------------------------


def _deadlines(fiscal_year: FiscalYear) -> dict[str, datetime.date | None]:
    return {
        DeadlineKind.SHEET: fiscal_year.sheet_deadline,
        DeadlineKind.MID_YEAR: fiscal_year.mid_year_deadline,
        DeadlineKind.YEAR_END: fiscal_year.year_end_deadline,
    }


def reminder_due(
    *, deadline: datetime.date, today: datetime.date, days_before, overdue_every: int
) -> bool:
    """On the listed days before the deadline, and from the day after it every
    `overdue_every` days (the day after, then +3, +6 … with 3)."""
    delta = (deadline - today).days
    if delta >= 0:
        return delta in (days_before or [])
    return overdue_every > 0 and (-delta - 1) % overdue_every == 0


def reminders_due_deadlines(
    *, fiscal_year: FiscalYear, today: datetime.date
) -> dict[str, datetime.date]:
    """The deadlines of the year that call for a reminder today, by kind."""
    if fiscal_year.phase == FiscalYear.Phase.CLOSED:
        return {}
    return {
        kind: deadline
        for kind, deadline in _deadlines(fiscal_year).items()
        if deadline is not None
        and reminder_due(
            deadline=deadline,
            today=today,
            days_before=fiscal_year.reminder_days_before,
            overdue_every=fiscal_year.reminder_overdue_every,
        )
    }


@dataclass
class ReminderRun:
    today: datetime.date
    deadlines: dict[str, datetime.date] = field(default_factory=dict)
    delivery_ids: list[int] = field(default_factory=list)
    skipped_off: int = 0
    already_sent: int = 0


def reminders_send(*, fiscal_year: FiscalYear, today: datetime.date | None = None) -> ReminderRun:
    """Today's reminders of the year: one mail per person, with everything waiting for them,
    when one of their lines belongs to a deadline due today (reminder_due).

    Idempotent: a ReminderRecord per person, deadline and day; a second run the same day finds
    them and sends nothing again. People who turned reminders off get none.
    """
    today = today or timezone.localdate()
    run = ReminderRun(
        today=today, deadlines=reminders_due_deadlines(fiscal_year=fiscal_year, today=today)
    )
    if not run.deadlines:
        return run
    sent = selectors.reminders_already_sent(fiscal_year=fiscal_year, sent_on=today)
    candidates = selectors.reminder_candidates(year=fiscal_year.year)
    off = selectors.users_without_reminders(user_ids=[user.pk for user in candidates])
    for user in candidates:
        if user.pk in off:
            run.skipped_off += 1
            continue
        if all((user.pk, kind, deadline) in sent for kind, deadline in run.deadlines.items()):
            run.already_sent += 1
            continue
        lines = [
            line
            for line in selectors.todo_for(user=user, fiscal_year=fiscal_year, today=today)
            if line.reminder_kind is not None
        ]
        kinds = {line.reminder_kind for line in lines if line.reminder_kind in run.deadlines}
        new = sorted(kind for kind in kinds if (user.pk, kind, run.deadlines[kind]) not in sent)
        if not new:
            run.already_sent += bool(kinds)
            continue
        try:
            with transaction.atomic():
                delivery = delivery_create(
                    recipient=user,
                    event=Event.REMINDER,
                    mail=reminder_mail(
                        fiscal_year=fiscal_year, lines=lines, recipient=user, today=today
                    ),
                )
                for kind in new:
                    record = ReminderRecord(
                        user=user,
                        fiscal_year=fiscal_year,
                        deadline_kind=kind,
                        deadline=run.deadlines[kind],
                        sent_on=today,
                        delivery=delivery,
                    )
                    record.full_clean(validate_constraints=False)
                    record.save()
        except IntegrityError:
            run.already_sent += 1  # another run sent it a moment ago
            continue
        run.delivery_ids.append(delivery.pk)
    return run


# A user's own settings --------------------------------------------------------------------------


@transaction.atomic
def notification_setting_update(*, user, reminders_enabled: bool) -> NotificationSetting:
    setting, _ = NotificationSetting.objects.select_for_update().get_or_create(user=user)
    if setting.reminders_enabled == reminders_enabled:
        return setting
    before = setting.reminders_enabled
    setting.reminders_enabled = reminders_enabled
    setting.full_clean()
    setting.save(update_fields=["reminders_enabled", "updated_at"])
    changelog_record(
        sheet=None,
        target=setting,
        action="notification.setting_updated",
        user=user,
        changes={
            "催促のメール": [
                "受け取る" if before else "受け取らない",
                "受け取る" if reminders_enabled else "受け取らない",
            ]
        },
    )
    return setting
