"""Every workflow event mails the right people, and only them (Django's mail outbox)."""

from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.urls import reverse

from goals import services as sheet_services
from goals.models import FiscalYear
from notifications.models import Delivery, Event
from notifications.services import event_deliveries_create
from reviews import services as review_services
from reviews.models import Review, ReviewStatus, Stage
from tests import factories
from tests.notifications.conftest import SITE, address, recipients, set_phase

pytestmark = pytest.mark.django_db


def submit_sheet(org, sheet=None, user=None):
    sheet = sheet or org.sheet_a
    sheet.refresh_from_db()
    return sheet_services.sheet_submit(sheet=sheet, version=sheet.version, user=user or org.head_a)


def mid_year_values(org):
    return {
        "progress_mark": org.fiscal_year.progress_scale.marks.get(symbol="○"),
        "first_half_status": "上半期は予定どおり進みました。",
        "second_half_plan": "下半期も続けます。",
    }


def submit_review(org, item=None, section=None, user=None):
    return review_services.review_submit(
        item=item or org.item_a,
        section=section or org.section_a1,
        stage=Stage.MID_YEAR,
        values=mid_year_values(org),
        version=0,
        user=user or org.chief_a,
    )


def test_sheet_submitted_goes_to_the_years_planning_staff(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit_sheet(city)
    assert recipients(mail.outbox) == {address(city.planner), "planner2@city.example.jp"}
    message = mail.outbox[0]
    assert message.subject == "[国分寺市 組織目標] 市民部の整理表が提出されました"
    assert f"{SITE}/sheets/{city.sheet_a.pk}/" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and f'href="{SITE}/sheets/{city.sheet_a.pk}/"' in html
    assert "国分寺市" in message.body
    assert all(
        delivery.status == Delivery.Status.SENT and delivery.attempts == 1
        for delivery in Delivery.objects.all()
    )
    assert set(Delivery.objects.values_list("event", flat=True)) == {Event.SHEET_SUBMITTED}


def test_planning_staff_of_another_year_get_nothing(city, django_capture_on_commit_callbacks):
    other = factories.UserFactory(username="planner_last_year", email="old@city.example.jp")
    factories.RoleAssignmentFactory(
        user=other, fiscal_year=city.fiscal_year.year - 1, role="planning"
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit_sheet(city)
    assert "old@city.example.jp" not in recipients(mail.outbox)


def test_sheet_returned_goes_to_that_departments_heads_with_the_comment(
    city, django_capture_on_commit_callbacks
):
    submit_sheet(city)
    with django_capture_on_commit_callbacks(execute=True):
        city.sheet_a.refresh_from_db()
        sheet_services.sheet_return(
            sheet=city.sheet_a,
            comment="番号3の達成水準を\n数値で書いてください。",
            version=city.sheet_a.version,
            user=city.planner,
        )
    assert recipients(mail.outbox) == {address(city.head_a), "head_a2@city.example.jp"}
    message = mail.outbox[0]
    assert message.subject == "[国分寺市 組織目標] 市民部の整理表が差し戻されました"
    assert "差し戻しの理由" in message.body and "数値で書いてください。" in message.body
    assert address(city.head_b) not in recipients(mail.outbox)


def test_sheet_accepted_goes_to_the_heads_only(city, django_capture_on_commit_callbacks):
    submit_sheet(city)
    city.sheet_a.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        sheet_services.sheet_accept(
            sheet=city.sheet_a, version=city.sheet_a.version, user=city.planner
        )
    assert recipients(mail.outbox) == {address(city.head_a), "head_a2@city.example.jp"}
    assert mail.outbox[0].subject.endswith("市民部の整理表が承認されました")


def test_revision_started_goes_to_planning_staff(city, django_capture_on_commit_callbacks):
    submit_sheet(city)
    city.sheet_a.refresh_from_db()
    sheet_services.sheet_accept(sheet=city.sheet_a, version=city.sheet_a.version, user=city.planner)
    city.sheet_a.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        sheet_services.sheet_revise(
            sheet=city.sheet_a, version=city.sheet_a.version, user=city.head_a
        )
    assert recipients(mail.outbox) == {address(city.planner), "planner2@city.example.jp"}
    assert mail.outbox[0].subject.endswith("市民部の整理表の見直しが始まりました")


def test_the_person_who_acted_gets_no_mail(city, django_capture_on_commit_callbacks):
    """A planner who is also a head of A does not mail themselves the submission."""
    factories.RoleAssignmentFactory(
        user=city.planner,
        fiscal_year=city.fiscal_year.year,
        role="department_head",
        department=city.dept_a,
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit_sheet(city, user=city.planner)
    assert recipients(mail.outbox) == {"planner2@city.example.jp"}


def test_review_submitted_goes_to_the_departments_heads(city, django_capture_on_commit_callbacks):
    set_phase(city, FiscalYear.Phase.MID_YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        review = submit_review(city)
    assert recipients(mail.outbox) == {address(city.head_a), "head_a2@city.example.jp"}
    message = mail.outbox[0]
    assert message.subject == "[国分寺市 組織目標] 市民課の中間確認が提出されました"
    url = f"{SITE}/reviews/items/{city.item_a.pk}/mid_year/sections/{city.section_a1.pk}/"
    assert url in message.body
    assert review.status == ReviewStatus.SUBMITTED


def test_a_saved_draft_sends_nothing(city, django_capture_on_commit_callbacks):
    set_phase(city, FiscalYear.Phase.MID_YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        review_services.review_save_draft(
            item=city.item_a,
            section=city.section_a1,
            stage=Stage.MID_YEAR,
            values=mid_year_values(city),
            version=0,
            user=city.chief_a,
        )
    assert mail.outbox == []


def test_review_confirmed_goes_to_its_writer(city, django_capture_on_commit_callbacks):
    set_phase(city, FiscalYear.Phase.MID_YEAR)
    review = submit_review(city)
    with django_capture_on_commit_callbacks(execute=True):
        review_services.review_confirm(review=review, version=review.version, user=city.head_a)
    assert recipients(mail.outbox) == {address(city.chief_a)}
    assert mail.outbox[0].subject.endswith("中間確認が部長に確認されました")


def test_review_returned_goes_to_its_writer_with_the_reason(
    city, django_capture_on_commit_callbacks
):
    set_phase(city, FiscalYear.Phase.MID_YEAR)
    review = submit_review(city)
    with django_capture_on_commit_callbacks(execute=True):
        review_services.review_return(
            review=review,
            comment="下半期の予定に時期を書いてください。",
            version=review.version,
            user=city.head_a,
        )
    assert recipients(mail.outbox) == {address(city.chief_a)}
    message = mail.outbox[0]
    assert message.subject.endswith("中間確認が差し戻されました")
    assert "下半期の予定に時期を書いてください。" in message.body
    assert "下半期の予定に時期を書いてください。" in message.alternatives[0][0]


def test_review_reopened_goes_to_the_writer_or_the_sections_chief(
    city, django_capture_on_commit_callbacks
):
    set_phase(city, FiscalYear.Phase.YEAR_END)  # the mid-year stage has closed
    with django_capture_on_commit_callbacks(execute=True):
        review_services.review_reopen(
            item=city.item_a,
            section=city.section_a1,
            stage=Stage.MID_YEAR,
            user=city.planner,
            comment="提出漏れのため再開します。",
        )
    # Never started: its section's chief of the year writes it.
    assert recipients(mail.outbox) == {address(city.chief_a)}
    assert mail.outbox[0].subject.endswith("中間確認の記入が再開されました")
    assert "提出漏れのため再開します。" in mail.outbox[0].body


def test_a_common_items_review_by_the_department_goes_to_the_other_head(
    city, django_capture_on_commit_callbacks
):
    set_phase(city, FiscalYear.Phase.MID_YEAR)
    common = factories.GoalItemFactory(sheet=city.sheet_a, position=3, is_common=True)
    with django_capture_on_commit_callbacks(execute=True):
        review_services.review_submit(
            item=common,
            section=None,
            stage=Stage.MID_YEAR,
            values=mid_year_values(city),
            version=0,
            user=city.head_a,
        )
    assert recipients(mail.outbox) == {"head_a2@city.example.jp"}
    assert "共通項目（部長が記入）の中間確認が提出されました" in mail.outbox[0].subject


@pytest.mark.parametrize("event", ["sheet", "review"])
def test_another_departments_people_never_receive_this_ones_mail(
    city, django_capture_on_commit_callbacks, event
):
    """Every event of department A, one after another: B's head and chief get nothing, and no
    mail names department B."""
    set_phase(city, FiscalYear.Phase.MID_YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        if event == "sheet":
            submit_sheet(city)
            city.sheet_a.refresh_from_db()
            sheet_services.sheet_return(
                sheet=city.sheet_a,
                comment="直してください。",
                version=city.sheet_a.version,
                user=city.planner,
            )
            submit_sheet(city)
            city.sheet_a.refresh_from_db()
            sheet_services.sheet_accept(
                sheet=city.sheet_a, version=city.sheet_a.version, user=city.planner
            )
            city.sheet_a.refresh_from_db()
            sheet_services.sheet_revise(
                sheet=city.sheet_a, version=city.sheet_a.version, user=city.head_a
            )
        else:
            review = submit_review(city)
            review = review_services.review_return(
                review=review,
                comment="直してください。",
                version=review.version,
                user=city.head_a,
            )
            review = review_services.review_submit(
                item=city.item_a,
                section=city.section_a1,
                stage=Stage.MID_YEAR,
                values=mid_year_values(city),
                version=review.version,
                user=city.chief_a,
            )
            review_services.review_confirm(review=review, version=review.version, user=city.head_a)
    assert mail.outbox
    sent_to = recipients(mail.outbox)
    for outsider in (city.head_b, city.chief_b):
        assert address(outsider) not in sent_to
    for message in mail.outbox:
        assert "福祉部" not in message.body and "生活福祉課" not in message.body
        assert len(message.to) == 1 and not message.cc and not message.bcc


def test_subjects_are_japanese_and_encoded(city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit_sheet(city)
    raw = mail.outbox[0].message()
    assert raw["Subject"].startswith("=?utf-8?")
    assert str(make_header(decode_header(raw["Subject"]))) == (
        "[国分寺市 組織目標] 市民部の整理表が提出されました"
    )


def test_a_failing_mail_server_never_fails_the_users_action(
    city, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    with django_capture_on_commit_callbacks(execute=True):
        sheet = submit_sheet(city)
    sheet.refresh_from_db()
    assert sheet.status == "submitted"
    deliveries = list(Delivery.objects.all())
    assert len(deliveries) == 2
    for delivery in deliveries:
        assert delivery.status == Delivery.Status.RETRYING
        assert delivery.attempts == 1
        assert "Connection refused" in delivery.last_error
        assert delivery.next_attempt_at is not None


def test_a_person_without_an_address_is_recorded_not_mailed(
    city, django_capture_on_commit_callbacks
):
    city.planner2.email = ""
    city.planner2.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        submit_sheet(city)
    assert recipients(mail.outbox) == {address(city.planner)}
    missing = Delivery.objects.get(recipient=city.planner2)
    assert missing.status == Delivery.Status.NO_ADDRESS


def test_the_view_sends_after_the_commit(city, client_for, django_capture_on_commit_callbacks):
    """Through the page: the head submits, planning staff receive the mail."""
    city.sheet_a.refresh_from_db()
    client = client_for(city.head_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("goals:sheet_submit", args=[city.sheet_a.pk]),
            {"version": city.sheet_a.version},
        )
    assert response.status_code == 302
    assert recipients(mail.outbox) == {address(city.planner), "planner2@city.example.jp"}


def test_a_deleted_review_before_the_task_sends_nothing(city):
    assert event_deliveries_create(event=Event.REVIEW_CONFIRMED, target_id=999999) == []
    assert not Review.objects.exists()


def test_the_html_part_escapes_what_people_typed(city, django_capture_on_commit_callbacks):
    submit_sheet(city)
    city.sheet_a.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        sheet_services.sheet_return(
            sheet=city.sheet_a,
            comment='<a href="https://evil.example">ここ</a> & 「期限」',
            version=city.sheet_a.version,
            user=city.planner,
        )
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert '<a href="https://evil.example">' not in html
    assert "&lt;a href=&quot;https://evil.example&quot;&gt;" in html
    assert '<a href="https://evil.example">ここ</a> & 「期限」' in message.body
