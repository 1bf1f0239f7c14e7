import datetime

import pytest
from django.core.exceptions import ValidationError

from goals.models import ChangeLog, FiscalYear
from goals.services import fiscal_year_update
from reviews.models import Review, ReviewStatus, Stage
from reviews.selectors import achievement_status_by_item
from reviews.services import (
    ReviewConflict,
    common_reviewer_assign,
    review_confirm,
    review_reopen,
    review_return,
    review_save_draft,
    review_submit,
)
from tests import factories
from tests.reviews.conftest import make_review, mark, set_phase

pytestmark = pytest.mark.django_db


def values(org, **overrides):
    data = {
        "progress_mark": mark(org, "△"),
        "first_half_status": "・関係課と協議しました。\r\n・案を作りました。  ",
        "second_half_plan": "・12月に決定します。",
    }
    data.update(overrides)
    return data


def draft(org, version=0, **overrides):
    return review_save_draft(
        item=org.item_a,
        section=org.section_a1,
        stage=Stage.MID_YEAR,
        values=values(org, **overrides),
        version=version,
        user=org.chief_a,
    )


def history(review):
    return list(
        ChangeLog.objects.filter(target_id=review.pk, target_type__model="review").order_by("id")
    )


# Drafts and submitting -----------------------------------------------------------------------


def test_draft_saves_normalised_text_and_records_who_changed_what(mid_year):
    org = mid_year
    review = draft(org)
    assert review.status == ReviewStatus.DRAFT and review.version == 1
    assert review.first_half_status == "・関係課と協議しました。\n・案を作りました。"
    log = history(review)[-1]
    assert log.action == "review.saved" and log.user == org.chief_a and log.sheet == org.sheet_a
    assert log.changes["進捗状況"] == ["", "△ 遅れている"]
    assert log.changes["_version"] == [0, 1]
    review = draft(org, version=1, second_half_plan="・1月に決定します。")
    assert review.version == 2
    assert history(review)[-1].changes["下半期の予定"] == [
        "・12月に決定します。",
        "・1月に決定します。",
    ]


def test_draft_may_be_incomplete_but_submitting_needs_every_required_field(mid_year):
    org = mid_year
    draft(org, progress_mark=None, second_half_plan="")
    with pytest.raises(ValidationError) as error:
        review_submit(
            item=org.item_a,
            section=org.section_a1,
            stage=Stage.MID_YEAR,
            values=values(org, progress_mark=None, second_half_plan="　 \n"),
            version=1,
            user=org.chief_a,
        )
    assert error.value.message_dict == {
        "progress_mark": ["進捗状況を選んでください。"],
        "second_half_plan": ["下半期の予定を入力してください。"],
    }
    review = Review.objects.get()
    assert review.status == ReviewStatus.DRAFT and review.version == 1  # nothing written


def test_submit_records_who_and_when_and_freezes_the_review(mid_year):
    org = mid_year
    review = review_submit(
        item=org.item_a,
        section=org.section_a1,
        stage=Stage.MID_YEAR,
        values=values(org),
        version=0,
        user=org.chief_a,
    )
    assert review.status == ReviewStatus.SUBMITTED and review.submitted_by == org.chief_a
    assert history(review)[-1].changes["状態"] == ["", "提出済み"]
    with pytest.raises(ValidationError, match="提出済みです"):
        draft(org, version=review.version)


def test_year_end_requires_the_actual_value_when_the_item_has_a_target(year_end):
    org = year_end
    org.item_a.target = "待ち時間15分以内"
    org.item_a.save()
    level = org.fiscal_year.achievement_scale.levels.first()
    with pytest.raises(ValidationError) as error:
        review_submit(
            item=org.item_a,
            section=org.section_a1,
            stage=Stage.YEAR_END,
            values={"summary": "委託を完了しました。", "achievement_level": level},
            version=0,
            user=org.chief_a,
        )
    assert list(error.value.message_dict) == ["actual_value"]
    review = review_submit(
        item=org.item_a,
        section=org.section_a1,
        stage=Stage.YEAR_END,
        values={
            "summary": "委託を完了しました。",
            "achievement_level": level,
            "actual_value": "12分",
        },
        version=0,
        user=org.chief_a,
    )
    assert review.status == ReviewStatus.SUBMITTED


# Phases --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phase", "stage", "message"),
    [
        (
            "planning",
            Stage.MID_YEAR,
            "中間確認の受付はまだ始まっていません（現在は「目標設定」の段階です）。",
        ),
        (
            "year_end",
            Stage.MID_YEAR,
            "中間確認の受付は終了しました。記入が必要なときは企画・政策担当に再開を依頼してください。",
        ),
        ("mid_year", Stage.YEAR_END, "年度末確認の受付はまだ始まっていません"),
        ("closed", Stage.YEAR_END, "年度末確認の受付は終了しました。"),
    ],
)
def test_filing_outside_the_phase_is_refused_with_a_clear_message(org, phase, stage, message):
    set_phase(org, phase)
    with pytest.raises(ValidationError) as error:
        review_save_draft(
            item=org.item_a,
            section=org.section_a1,
            stage=stage,
            values={},
            version=0,
            user=org.chief_a,
        )
    assert message in error.value.messages[0]
    assert error.value.messages[0].startswith(org.fiscal_year.label)
    assert not Review.objects.exists()


# No lost updates -----------------------------------------------------------------------------


def test_saving_against_a_newer_version_is_refused_and_says_what_changed(mid_year):
    org = mid_year
    draft(org)  # version 1, by the chief
    draft(org, version=1, second_half_plan="・1月に決定します。")  # version 2, from another tab
    with pytest.raises(ReviewConflict) as error:
        draft(org, version=1, second_half_plan="・年度末までに決定します。")
    conflict = error.value
    assert (conflict.version, conflict.current_version) == (1, 2)
    assert [(change.label, change.saved) for change in conflict.changes] == [
        ("下半期の予定", "・1月に決定します。")
    ]
    assert conflict.by == "市民課 太郎"
    assert Review.objects.get().second_half_plan == "・1月に決定します。"
    # Having seen it, the writer saves again with the saved version: their text wins.
    review = draft(org, version=2, second_half_plan="・年度末までに決定します。")
    assert review.second_half_plan == "・年度末までに決定します。" and review.version == 3


def test_creating_a_review_someone_else_just_created_is_a_conflict(mid_year):
    org = mid_year
    make_review(org.item_a, org.section_a1)
    with pytest.raises(ReviewConflict):
        draft(org, version=0)


# Confirming, returning, reopening ------------------------------------------------------------


@pytest.fixture
def submitted(mid_year):
    return make_review(mid_year.item_a, mid_year.section_a1, status=ReviewStatus.SUBMITTED)


def test_head_confirms_a_submitted_review(mid_year, submitted):
    review = review_confirm(review=submitted, version=1, user=mid_year.head_a)
    assert review.status == ReviewStatus.CONFIRMED and review.confirmed_by == mid_year.head_a
    assert review.version == 2
    assert history(review)[-1].action == "review.confirmed"
    with pytest.raises(ValidationError, match="提出済みの確認だけを確認できます"):
        review_confirm(review=review, version=2, user=mid_year.head_a)


def test_confirming_what_changed_after_the_page_was_opened_is_refused(mid_year, submitted):
    with pytest.raises(ValidationError, match="画面を開いた後に更新されています"):
        review_confirm(review=submitted, version=0, user=mid_year.head_a)


def test_return_needs_a_comment_and_lets_the_chief_fix_and_resubmit(mid_year, submitted):
    org = mid_year
    with pytest.raises(ValidationError) as error:
        review_return(review=submitted, comment="　\n", version=1, user=org.head_a)
    assert error.value.message_dict == {"comment": ["差し戻しの理由を入力してください。"]}
    review = review_return(
        review=submitted, comment="下半期の予定を具体的に。", version=1, user=org.head_a
    )
    assert review.status == ReviewStatus.RETURNED and review.return_comment
    assert history(review)[-1].changes["差し戻しの理由"] == "下半期の予定を具体的に。"
    review = review_submit(
        item=org.item_a,
        section=org.section_a1,
        stage=Stage.MID_YEAR,
        values=values(org, second_half_plan="・12月の部会で決定し、1月に公表します。"),
        version=review.version,
        user=org.chief_a,
    )
    assert review.status == ReviewStatus.SUBMITTED
    review = review_confirm(review=review, version=review.version, user=org.head_a)
    assert review.status == ReviewStatus.CONFIRMED


def test_return_after_the_close_is_refused(mid_year, submitted):
    set_phase(mid_year, FiscalYear.Phase.YEAR_END)
    with pytest.raises(ValidationError, match="受付は終了しているため、差し戻せません"):
        review_return(review=submitted, comment="直してください。", version=1, user=mid_year.head_a)


def test_reopen_lets_a_late_review_be_filed_until_it_is_confirmed(mid_year):
    org = mid_year
    set_phase(org, FiscalYear.Phase.YEAR_END)
    with pytest.raises(ValidationError, match="受付は終了しました"):
        draft(org)
    review = review_reopen(
        item=org.item_a,
        section=org.section_a1,
        stage=Stage.MID_YEAR,
        user=org.planner,
        comment="異動のため期限後の提出を認めます。",
    )
    assert review.status == ReviewStatus.DRAFT and review.reopened_by == org.planner
    assert history(review)[-1].action == "review.reopened"
    review = review_submit(
        item=org.item_a,
        section=org.section_a1,
        stage=Stage.MID_YEAR,
        values=values(org),
        version=review.version,
        user=org.chief_a,
    )
    review = review_return(
        review=review, comment="記号を見直して", version=review.version, user=org.head_a
    )
    review = review_submit(
        item=org.item_a,
        section=org.section_a1,
        stage=Stage.MID_YEAR,
        values=values(org, progress_mark=mark(org, "○")),
        version=review.version,
        user=org.chief_a,
    )
    review = review_confirm(review=review, version=review.version, user=org.head_a)
    assert review.reopened_at is None
    with pytest.raises(ValidationError):
        review_return(review=review, comment="もう一度", version=review.version, user=org.head_a)


def test_reopen_of_a_confirmed_review_returns_it(mid_year):
    org = mid_year
    review = make_review(org.item_a, org.section_a1, status=ReviewStatus.CONFIRMED)
    set_phase(org, FiscalYear.Phase.CLOSED)
    review = review_reopen(
        item=org.item_a, section=org.section_a1, stage=Stage.MID_YEAR, user=org.planner
    )
    assert review.status == ReviewStatus.RETURNED and review.confirmed_at is None
    with pytest.raises(ValidationError, match="既に再開しています"):
        review_reopen(
            item=org.item_a, section=org.section_a1, stage=Stage.MID_YEAR, user=org.planner
        )


def test_reopen_is_only_for_a_closed_stage(mid_year):
    with pytest.raises(ValidationError, match="受付期間中です"):
        review_reopen(
            item=mid_year.item_a,
            section=mid_year.section_a1,
            stage=Stage.MID_YEAR,
            user=mid_year.planner,
        )
    with pytest.raises(ValidationError, match="まだ始まっていません"):
        review_reopen(
            item=mid_year.item_a,
            section=mid_year.section_a1,
            stage=Stage.YEAR_END,
            user=mid_year.planner,
        )


def test_confirmed_year_end_becomes_the_sheets_achievement_status(year_end):
    org = year_end
    level = org.fiscal_year.achievement_scale.levels.get(label="ほぼ達成した")
    review = review_submit(
        item=org.item_a,
        section=org.section_a1,
        stage=Stage.YEAR_END,
        values={"summary": "ほぼ完了しました。", "achievement_level": level},
        version=0,
        user=org.chief_a,
    )
    assert achievement_status_by_item(sheet=org.sheet_a) == {}
    review_confirm(review=review, version=review.version, user=org.head_a)
    assert achievement_status_by_item(sheet=org.sheet_a) == {org.item_a.pk: ["ほぼ達成した"]}


# Who files a 共通 item -----------------------------------------------------------------------


@pytest.fixture
def common(mid_year):
    return factories.GoalItemFactory(sheet=mid_year.sheet_a, position=1, is_common=True)


def test_naming_a_section_moves_the_heads_draft_with_its_text(mid_year, common):
    org = mid_year
    started = make_review(common, None, first_half_status="部長が書きかけた文")
    common_reviewer_assign(item=common, section=org.section_a2, user=org.head_a)
    common.refresh_from_db()
    started.refresh_from_db()
    assert common.common_reviewer_section == org.section_a2
    assert started.section == org.section_a2 and started.first_half_status == "部長が書きかけた文"
    log = ChangeLog.objects.filter(action="item.common_reviewer_assigned").get()
    assert log.changes["共通項目の確認を担当する課"] == ["部長", "経済課"]
    assert history(started)[-1].changes["記入する課"] == ["部長", "経済課"]
    common_reviewer_assign(item=common, section=None, user=org.head_a)
    started.refresh_from_db()
    assert started.section is None


def test_a_submitted_review_in_the_open_stage_blocks_a_change(mid_year, common):
    make_review(common, None, status=ReviewStatus.SUBMITTED)
    with pytest.raises(ValidationError, match="差し戻してから変更してください"):
        common_reviewer_assign(item=common, section=mid_year.section_a2, user=mid_year.head_a)


def test_only_common_items_and_sections_of_the_department(mid_year, common):
    org = mid_year
    with pytest.raises(ValidationError, match="共通の項目だけ"):
        common_reviewer_assign(item=org.item_a, section=org.section_a2, user=org.head_a)
    with pytest.raises(ValidationError) as error:
        common_reviewer_assign(item=common, section=org.section_b1, user=org.head_a)
    assert "section" in error.value.message_dict


# The year's phase and deadlines --------------------------------------------------------------


def test_fiscal_year_update_records_the_change(org):
    year = org.fiscal_year.year
    fiscal_year_update(
        fiscal_year=org.fiscal_year,
        phase="mid_year",
        sheet_deadline=datetime.date(year, 4, 30),
        mid_year_deadline=datetime.date(year, 10, 31),
        year_end_deadline=datetime.date(year + 1, 4, 30),
        user=org.planner,
    )
    org.fiscal_year.refresh_from_db()
    assert org.fiscal_year.phase == "mid_year"
    log = ChangeLog.objects.get(action="fiscal_year.updated")
    assert log.changes["段階"] == ["目標設定", "中間確認"]
    assert log.changes["中間確認の期限"][1].endswith("10月31日")


def test_fiscal_year_deadlines_must_follow_one_another_and_fit_the_year(org):
    year = org.fiscal_year.year
    with pytest.raises(ValidationError) as error:
        fiscal_year_update(
            fiscal_year=org.fiscal_year,
            phase="year_end",
            sheet_deadline=datetime.date(year, 4, 30),
            mid_year_deadline=datetime.date(year, 4, 1),
            year_end_deadline=datetime.date(year + 20, 4, 30),
            user=org.planner,
        )
    assert error.value.message_dict["mid_year_deadline"] == [
        "中間確認の期限は整理表の提出期限より後にしてください。"
    ]
    assert "までの日付にしてください" in error.value.message_dict["year_end_deadline"][0]
    org.fiscal_year.refresh_from_db()
    assert org.fiscal_year.phase == "planning"
