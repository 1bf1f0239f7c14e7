"""Reminders over a simulated year: which mails on which days, nothing twice, one per person."""

import datetime
import io
import itertools

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from departments.models import Role
from goals import services as sheet_services
from goals.models import FiscalYear
from notifications import services, tasks
from notifications.models import Delivery, Event, ReminderRecord
from notifications.tasks import next_morning
from reviews import services as review_services
from reviews.models import Stage
from tests import factories
from tests.notifications.conftest import SITE, address, set_phase
from tests.reviews.conftest import mark

pytestmark = pytest.mark.django_db


def day(year, month, date):
    return datetime.date(year, month, date)


@pytest.mark.parametrize(
    ("offset", "due"),
    [
        (8, False),
        (7, True),
        (2, False),
        (1, True),
        (0, False),
        (-1, True),
        (-2, False),
        (-3, False),
        (-4, True),
        (-7, True),
        (-8, False),
    ],
)
def test_the_schedule_7_and_1_days_before_then_every_3_days(offset, due):
    deadline = day(2026, 4, 30)
    assert (
        services.reminder_due(
            deadline=deadline,
            today=deadline - datetime.timedelta(days=offset),
            days_before=[7, 1],
            overdue_every=3,
        )
        is due
    )


def test_no_overdue_reminders_with_an_interval_of_0():
    assert not services.reminder_due(
        deadline=day(2026, 4, 30), today=day(2026, 5, 1), days_before=[7], overdue_every=0
    )


def values(org):
    return {
        "progress_mark": mark(org),
        "first_half_status": "上半期の状況。",
        "second_half_plan": "下半期の予定。",
    }


def year_end_values(org):
    return {
        "summary": "1年間の総括。",
        "achievement_level": org.fiscal_year.achievement_scale.levels.first(),
    }


def test_a_simulated_year(city):
    """April to May of the next year, the command's service every day, and again on each day
    it sent something."""
    year = city.fiscal_year.year
    fiscal_year = city.fiscal_year
    fiscal_year.sheet_deadline = day(year, 4, 30)
    fiscal_year.mid_year_deadline = day(year, 10, 31)
    fiscal_year.year_end_deadline = day(year + 1, 4, 15)
    fiscal_year.save()
    # A department with a head and no sheet at all.
    soumu = factories.DepartmentFactory(name="総務部", display_order=3)
    head_c = factories.UserFactory(username="head_c", email="head_c@city.example.jp")
    factories.RoleAssignmentFactory(
        user=head_c, fiscal_year=year, role=Role.DEPARTMENT_HEAD, department=soumu
    )
    services.notification_setting_update(user=city.chief_b, reminders_enabled=False)

    def on(today):
        if today == day(year, 5, 2):
            sheet_services.sheet_submit(
                sheet=city.sheet_a, version=city.sheet_a.version, user=city.head_a
            )
        if today == day(year, 9, 1):
            set_phase(city, FiscalYear.Phase.MID_YEAR)
        if today == day(year, 11, 5):
            review = review_services.review_submit(
                item=city.item_a,
                section=city.section_a1,
                stage=Stage.MID_YEAR,
                values=values(city),
                version=0,
                user=city.chief_a,
            )
            review_services.review_confirm(review=review, version=review.version, user=city.head_a)
        if today == day(year + 1, 2, 1):
            set_phase(city, FiscalYear.Phase.YEAR_END)
        if today == day(year + 1, 4, 10):
            review = review_services.review_submit(
                item=city.item_a,
                section=city.section_a1,
                stage=Stage.YEAR_END,
                values=year_end_values(city),
                version=0,
                user=city.chief_a,
            )
            review_services.review_confirm(review=review, version=review.version, user=city.head_a)
        if today == day(year + 1, 5, 1):
            set_phase(city, FiscalYear.Phase.CLOSED)

    sent = {}
    today = day(year, 4, 1)
    while today <= day(year + 1, 5, 31):
        on(today)
        city.sheet_a.refresh_from_db()
        fiscal_year.refresh_from_db()
        first = services.reminders_send(fiscal_year=fiscal_year, today=today)
        if first.delivery_ids:
            again = services.reminders_send(fiscal_year=fiscal_year, today=today)
            assert again.delivery_ids == [], today  # nothing twice on the same day
        for delivery in Delivery.objects.filter(pk__in=first.delivery_ids):
            sent.setdefault(delivery.recipient.username, []).append(today)
        today += datetime.timedelta(days=1)

    # 市民部長: before the sheet deadline, the day after it, then the sheet is in.
    assert sent["head_a"] == [day(year, 4, 23), day(year, 4, 29), day(year, 5, 1)]
    # 市民課長: the mid-year review 7 and 1 days before, overdue on 11/1 and 11/4, filed on 11/5;
    # the year-end one 7 days before, filed on 4/10.
    assert sent["chief_a"] == [
        day(year, 10, 24),
        day(year, 10, 30),
        day(year, 11, 1),
        day(year, 11, 4),
        day(year + 1, 4, 8),
    ]
    # 経済課長 files nothing; 生活福祉課長 turned reminders off.
    assert "chief_a2" not in sent and "chief_b" not in sent
    # Planning staff are never reminded of other departments' work.
    assert "planner" not in sent and "planner2" not in sent
    # 総務部長 has no sheet: every 3 days after the deadline until the year closes.
    soumu_days = sent["head_c"]
    assert soumu_days[:4] == [day(year, 4, 23), day(year, 4, 29), day(year, 5, 1), day(year, 5, 4)]
    assert all((b - a).days == 3 for a, b in itertools.pairwise(soumu_days[2:]))
    assert soumu_days[-1] < day(year + 1, 5, 1)
    # One record per person, deadline and day.
    assert ReminderRecord.objects.filter(user=city.head_a).count() == 3


def test_one_mail_per_person_grouping_everything_through_the_command(
    city, django_capture_on_commit_callbacks
):
    """福祉部長 on the day after the mid-year deadline: the late sheet and the 共通 item's review
    in one mail, Japanese, with links; run again the same day, no second mail."""
    year = city.fiscal_year.year
    set_phase(city, FiscalYear.Phase.MID_YEAR)
    city.fiscal_year.sheet_deadline = day(year, 4, 30)
    city.fiscal_year.mid_year_deadline = day(year, 10, 31)
    city.fiscal_year.save()
    common = factories.GoalItemFactory(
        sheet=city.sheet_b, position=1, is_common=True, title="職員の働き方を見直す"
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", date=f"{year}-11-01", stdout=io.StringIO())
    to_head_b = [message for message in mail.outbox if message.to == [address(city.head_b)]]
    assert len(to_head_b) == 1
    message = to_head_b[0]
    assert (
        message.subject
        == "[国分寺市 組織目標] 期限を過ぎているものがあります（やることのお知らせ）"
    )
    assert "■整理表" in message.body and "■中間確認の記入" in message.body
    assert "職員の働き方を見直す" in message.body
    assert f"{SITE}/sheets/{city.sheet_b.pk}/" in message.body
    assert f"{SITE}/reviews/items/{common.pk}/mid_year/department/" in message.body
    assert f"{SITE}/notifications/settings/" in message.body
    assert "市民部" not in message.body and "市民課" not in message.body
    html = message.alternatives[0][0]
    assert "<h2" in html and f'href="{SITE}/reviews/items/{common.pk}/mid_year/department/"' in html
    assert Delivery.objects.filter(event=Event.REMINDER, status=Delivery.Status.SENT).exists()
    count = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", date=f"{year}-11-01", stdout=io.StringIO())
    assert len(mail.outbox) == count


def test_the_command_resends_deliveries_whose_retry_time_has_come(
    city, django_capture_on_commit_callbacks
):
    delivery = Delivery.objects.create(
        recipient=city.head_a,
        to_address=address(city.head_a),
        event=Event.SHEET_RETURNED,
        subject="件名",
        body_text="本文",
        status=Delivery.Status.RETRYING,
        attempts=1,
        next_attempt_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=io.StringIO())
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 2
    assert [message.to for message in mail.outbox] == [[address(city.head_a)]]


def test_the_schedule_is_data_on_the_fiscal_year(city):
    year = city.fiscal_year.year
    city.fiscal_year.sheet_deadline = day(year, 4, 30)
    city.fiscal_year.reminder_days_before = [3]
    city.fiscal_year.reminder_overdue_every = 0
    city.fiscal_year.save()
    fy = city.fiscal_year
    assert services.reminders_due_deadlines(fiscal_year=fy, today=day(year, 4, 27)) == {
        "sheet": day(year, 4, 30)
    }
    assert services.reminders_due_deadlines(fiscal_year=fy, today=day(year, 4, 23)) == {}
    assert services.reminders_due_deadlines(fiscal_year=fy, today=day(year, 5, 1)) == {}


def test_a_bad_schedule_is_refused_in_japanese(city):
    city.fiscal_year.reminder_days_before = [7, "一"]
    with pytest.raises(ValidationError) as error:
        city.fiscal_year.full_clean()
    assert "日数を並べてください" in str(error.value)


def test_the_daily_job_sends_what_is_due_and_queues_the_next_morning(settings):
    """Issue 13: the reminders as a django-tasks job where the worker runs (send_reminders
    --every-day queues the first run; each run queues the next morning's)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    call_command("send_reminders", "--every-day")
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "notifications.tasks.reminders_daily"
    assert timezone.localtime(queued.run_after).hour == tasks.REMINDER_HOUR

    assert tasks.reminders_daily.call() == 0  # nothing due in an empty city
    assert DBTaskResult.objects.count() == 2  # and the next morning is queued


def test_next_morning_is_the_next_eight_oclock():

    seven = timezone.make_aware(datetime.datetime(2026, 9, 1, 7, 0))
    nine = timezone.make_aware(datetime.datetime(2026, 9, 1, 9, 0))
    assert next_morning(seven) == timezone.make_aware(datetime.datetime(2026, 9, 1, 8, 0))
    assert next_morning(nine) == timezone.make_aware(datetime.datetime(2026, 9, 2, 8, 0))
