import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.permissions import user_roles
from goals.models import FiscalYear, GoalItem
from goals.selectors import sheet_with_content
from reviews.models import ReviewStatus, Stage
from reviews.selectors import (
    CLOSED,
    MISSING,
    OPEN,
    SearchFilters,
    dashboard,
    department_years,
    due_facts,
    item_review_rows,
    my_reviews,
    review_search,
    review_summaries_by_item,
    reviewers_due,
    search_excerpt,
    search_results_prefetch,
    sheet_review_overview,
    stage_window,
    unfiled_reminder_text,
    unfiled_reviews,
)
from tests import factories
from tests.reviews.conftest import build_city, make_review, set_phase

pytestmark = pytest.mark.django_db


# The rule of who is due ----------------------------------------------------------------------


def test_each_carrying_section_files_its_own_review():
    assert reviewers_due(
        is_common=False, common_reviewer_section_id=None, carrier_section_ids=[3, 5, 3]
    ) == [3, 5]


def test_common_item_is_one_department_review_or_the_named_section():
    assert reviewers_due(is_common=True, common_reviewer_section_id=None, carrier_section_ids=[])
    assert reviewers_due(
        is_common=True, common_reviewer_section_id=None, carrier_section_ids=[4]
    ) == [None]
    assert reviewers_due(is_common=True, common_reviewer_section_id=7, carrier_section_ids=[]) == [
        7
    ]


def test_common_review_already_written_stays_with_its_writer():
    """The head named section 7 after the department had filed: the stage stays the head's."""
    assert reviewers_due(
        is_common=True, common_reviewer_section_id=7, carrier_section_ids=[], reviewed_by=[None]
    ) == [None]
    assert reviewers_due(
        is_common=True, common_reviewer_section_id=7, carrier_section_ids=[], reviewed_by=[None, 7]
    ) == [7]


@pytest.mark.parametrize(
    ("phase", "mid_year", "year_end"),
    [
        ("planning", "before", "before"),
        ("mid_year", OPEN, "before"),
        ("year_end", CLOSED, OPEN),
        ("closed", CLOSED, CLOSED),
    ],
)
def test_stage_windows_follow_the_phase(phase, mid_year, year_end):
    year = FiscalYear(year=2026, phase=phase)
    assert stage_window(year, Stage.MID_YEAR) == mid_year
    assert stage_window(year, Stage.YEAR_END) == year_end


# My reviews ----------------------------------------------------------------------------------


def test_chief_sees_the_items_of_their_section_only(mid_year):
    org = mid_year
    factories.GoalItemFactory(sheet=org.sheet_a, position=1, sections=[org.section_a2])
    groups = my_reviews(user=org.chief_a, fiscal_year=org.fiscal_year)
    assert [group.sheet for group in groups] == [org.sheet_a]
    assert [row.item for row in groups[0].rows] == [org.item_a]
    row = groups[0].rows[0]
    assert row.mid_year.status == MISSING and row.mid_year.can_write
    assert row.year_end.status == MISSING


def test_shared_item_gives_each_section_its_own_row(mid_year):
    org = mid_year
    shared = factories.GoalItemFactory(
        sheet=org.sheet_a, position=1, sections=[org.section_a1, org.section_a2]
    )
    make_review(shared, org.section_a2, status=ReviewStatus.SUBMITTED)
    mine = my_reviews(user=org.chief_a, fiscal_year=org.fiscal_year)[0].rows
    theirs = my_reviews(user=org.chief_a2, fiscal_year=org.fiscal_year)[0].rows
    assert [(row.item, row.section) for row in mine] == [
        (org.item_a, org.section_a1),
        (shared, org.section_a1),
    ]
    assert [(row.item, row.mid_year.status) for row in theirs] == [(shared, "submitted")]


def test_head_files_common_items_and_names_the_section(mid_year):
    org = mid_year
    common = factories.GoalItemFactory(sheet=org.sheet_a, position=1, is_common=True)
    named = factories.GoalItemFactory(
        sheet=org.sheet_a, position=2, is_common=True, common_reviewer_section=org.section_a2
    )
    make_review(org.item_a, org.section_a1, status=ReviewStatus.SUBMITTED)
    group = my_reviews(user=org.head_a, fiscal_year=org.fiscal_year)[0]
    assert group.is_head and group.awaiting_confirmation == 1
    assert [(row.item, row.section) for row in group.rows] == [
        (common, None),
        (named, org.section_a2),
    ]
    assert group.rows[0].mid_year.can_write and group.rows[0].can_assign_reviewer
    assert not group.rows[1].mid_year.can_write
    assert group.sections == [org.section_a1, org.section_a2]
    # The named section's chief now files it.
    rows = my_reviews(user=org.chief_a2, fiscal_year=org.fiscal_year)[0].rows
    assert [row.item for row in rows] == [named]
    assert rows[0].mid_year.can_write


def test_planning_staff_file_nothing(org):
    assert my_reviews(user=org.planner, fiscal_year=org.fiscal_year) == []


def test_continued_item_shows_the_title_above(mid_year):
    org = mid_year
    follow = factories.GoalItemFactory(
        sheet=org.sheet_a,
        position=1,
        number=org.item_a.number,
        title="",
        continues_title=True,
        sections=[org.section_a1],
    )
    rows = my_reviews(user=org.chief_a, fiscal_year=org.fiscal_year)[0].rows
    assert rows[1].item == follow and rows[1].item.display_title == org.item_a.title


def test_my_reviews_costs_the_same_for_1_and_20_departments(mid_year, django_assert_num_queries):

    org = mid_year
    small = build_city(org.fiscal_year, 1)
    head, chief = small[0][2], small[0][3]

    def count(user):

        user = type(user).objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as queries:
            my_reviews(user=user, fiscal_year=org.fiscal_year)
        return len(queries)

    before = (count(head), count(chief))
    build_city(org.fiscal_year, 20, items_per_department=8)
    assert (count(head), count(chief)) == before


# A sheet's overview --------------------------------------------------------------------------


def test_overview_shows_every_section_to_the_head_and_only_theirs_to_a_chief(mid_year):
    org = mid_year
    shared = factories.GoalItemFactory(
        sheet=org.sheet_a, position=1, sections=[org.section_a1, org.section_a2]
    )
    make_review(shared, org.section_a2, status=ReviewStatus.SUBMITTED)
    rows, counts = sheet_review_overview(sheet=org.sheet_a, stage=Stage.MID_YEAR, user=org.head_a)
    assert [[slot.section for slot in row.slots] for row in rows] == [
        [org.section_a1],
        [org.section_a1, org.section_a2],
    ]
    assert (counts.due, counts.filed, counts.confirmed) == (3, 1, 0)
    rows, _ = sheet_review_overview(sheet=org.sheet_a, stage=Stage.MID_YEAR, user=org.chief_a2)
    assert [[slot.section for slot in row.slots] for row in rows] == [[org.section_a2]]
    rows, _ = sheet_review_overview(
        sheet=org.sheet_a, stage=Stage.MID_YEAR, user=org.head_a, show="submitted"
    )
    assert [row.item for row in rows] == [shared] and len(rows[0].slots) == 1


# The dashboard -------------------------------------------------------------------------------


def test_dashboard_counts_due_filed_confirmed_and_overdue(mid_year):
    org = mid_year
    org.fiscal_year.mid_year_deadline = datetime.date(org.fiscal_year.year, 10, 31)
    org.fiscal_year.save()
    shared = factories.GoalItemFactory(
        sheet=org.sheet_a, position=1, sections=[org.section_a1, org.section_a2]
    )
    factories.GoalItemFactory(sheet=org.sheet_a, position=2, is_common=True)
    make_review(org.item_a, org.section_a1, status=ReviewStatus.CONFIRMED)
    make_review(shared, org.section_a1, status=ReviewStatus.SUBMITTED, progress_mark=None)
    make_review(shared, org.section_a2, status=ReviewStatus.RETURNED)
    today = datetime.date(org.fiscal_year.year, 11, 21)
    data = dashboard(fiscal_year=org.fiscal_year, today=today)
    a, b = data.departments
    assert (a.department, b.department) == (org.dept_a, org.dept_b)
    assert (a.mid_year.due, a.mid_year.filed, a.mid_year.confirmed) == (4, 2, 1)
    assert (a.mid_year.returned, a.mid_year.overdue) == (1, 2)  # returned + 共通 missing
    assert a.year_end.due == 4 and a.year_end.overdue == 0  # no deadline, phase not begun
    assert (b.mid_year.due, b.mid_year.filed, b.mid_year.overdue) == (1, 0, 1)
    assert data.city.mid_year.due == 5 and data.city.overdue == 3
    ok = org.fiscal_year.progress_scale.marks.get(symbol="○")
    assert a.marks == {ok.pk: 1} and data.city.marks == {ok.pk: 1}  # the draft is not counted


def test_dashboard_costs_the_same_for_1_and_20_departments(mid_year):

    org = mid_year
    build_city(org.fiscal_year, 1)

    def count():
        with CaptureQueriesContext(connection) as queries:
            dashboard(fiscal_year=org.fiscal_year, today=datetime.date.today())
            department_years(department=org.dept_a)
        return len(queries)

    before = count()
    build_city(org.fiscal_year, 19, items_per_department=8)
    assert count() == before


def test_year_over_year_uses_each_years_scale(mid_year):
    org = mid_year
    machida = factories.AchievementScaleFactory(name="町田市 評価（A〜E）")
    last = factories.FiscalYearFactory(
        year=org.fiscal_year.year - 1, achievement_scale=machida, phase="closed"
    )
    old_sheet = factories.GoalSheetFactory(fiscal_year=last, department=org.dept_a)
    old_item = factories.GoalItemFactory(sheet=old_sheet, sections=[org.section_a1])
    make_review(old_item, org.section_a1, status=ReviewStatus.CONFIRMED)
    make_review(
        old_item,
        org.section_a1,
        stage=Stage.YEAR_END,
        status=ReviewStatus.CONFIRMED,
        achievement_level=machida.levels.first(),
    )
    years = department_years(department=org.dept_a)
    assert [entry.fiscal_year for entry in years] == [last, org.fiscal_year]
    assert sum(count for _, count in years[0].marks) == 1
    first_level, first_count = years[0].levels[0]
    assert (first_level.scale_id, first_count) == (machida.pk, 1)
    assert sum(count for _, count in years[1].levels) == 0


# Search --------------------------------------------------------------------------------------


@pytest.fixture
def searchable(mid_year):
    org = mid_year
    org.item_a.title = "窓口業務の外部委託"
    org.item_a.deadline = "１２月"
    org.item_a.full_clean()
    org.item_a.save()
    make_review(
        org.item_a,
        org.section_a1,
        status=ReviewStatus.SUBMITTED,
        first_half_status="事業者を5月に決定し、6月に契約しました。",
    )
    other = factories.GoalItemFactory(sheet=org.sheet_b, position=1, sections=[org.section_b1])
    make_review(
        other,
        org.section_b1,
        status=ReviewStatus.SUBMITTED,
        progress_mark=org.fiscal_year.progress_scale.marks.get(symbol="△"),
    )
    return org, other


def found(user, **filters):
    return list(review_search(user=user, filters=SearchFilters(**filters)))


def test_search_keyword_matches_items_and_reviews_in_any_spelling(searchable):
    org, _ = searchable
    assert found(org.planner, keyword="窓口") == [org.item_a]
    assert found(org.planner, keyword="５月に決定") == [org.item_a]  # full-width digits
    assert found(org.planner, keyword="窓口　契約") == [org.item_a]  # both words
    assert found(org.planner, keyword="窓口 福祉") == []


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("LINE公式アカウントで発信", "ＬＩＮＥ"),
        ("LINE公式アカウントで発信", "line"),
        ("ＬＩＮＥ公式アカウントで発信", "LINE"),
        ("ＬＩＮＥ公式アカウントで発信", "ｌｉｎｅ"),
        ("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞの普及", "マイナンバー"),
        ("マイナンバーカードの普及", "ﾏｲﾅﾝﾊﾞｰ"),
    ],
)
def test_search_matches_full_and_half_width_alike(searchable, stored, typed):
    """Issue 16, found by reading: ＬＩＮＥ and ﾏｲﾅﾝﾊﾞｰ found nothing where line and
    マイナンバー found the items."""
    org, _ = searchable
    org.item_a.method = stored
    org.item_a.save(update_fields=["method"])
    assert found(org.planner, keyword=typed) == [org.item_a]


def test_search_filters(searchable):
    org, other = searchable
    assert found(org.planner, progress_mark="△") == [other]
    assert found(org.planner, department=org.dept_a) == [org.item_a]
    assert set(found(org.planner, section=org.section_b1)) == {org.item_b, other}
    assert found(org.planner, deadline="12") == [org.item_a]
    assert set(found(org.planner, status="submitted")) == {org.item_a, other}
    assert found(org.planner, category=org.item_a.category, department=org.dept_a) == [org.item_a]


def test_search_is_narrowed_to_what_the_user_may_read(searchable):
    org, _ = searchable
    assert found(org.head_b, keyword="窓口") == []


def test_search_excerpt_points_at_the_match(searchable):
    org, _ = searchable
    item = search_results_prefetch(
        review_search(user=org.planner, filters=SearchFilters(keyword="契約"))
    )[0]
    excerpt = search_excerpt(item, ["契約"])
    assert excerpt.match == "契約" and "上半期の状況や評価" in excerpt.label
    assert excerpt.before.endswith("6月に")


# Who has not filed -------------------------------------------------------------------------


def test_unfiled_list_names_the_chiefs_and_is_ready_to_paste(mid_year):
    org = mid_year
    org.fiscal_year.mid_year_deadline = datetime.date(org.fiscal_year.year, 11, 30)
    org.fiscal_year.save()
    common = factories.GoalItemFactory(sheet=org.sheet_a, position=1, is_common=True)
    make_review(org.item_a, org.section_a1, status=ReviewStatus.RETURNED)
    make_review(org.item_b, org.section_b1, status=ReviewStatus.SUBMITTED)
    groups = unfiled_reviews(fiscal_year=org.fiscal_year, stage=Stage.MID_YEAR)
    assert [group.department for group in groups] == [org.dept_a]
    reviewers = groups[0].reviewers
    assert [(r.section, r.title, r.names) for r in reviewers] == [
        (None, "市民部長", ["市民 太郎"]),
        (org.section_a1, "市民課長", ["市民課 太郎"]),
    ]
    assert [fact.item_id for fact in reviewers[0].facts] == [common.pk]
    text = unfiled_reminder_text(
        fiscal_year=org.fiscal_year,
        stage=Stage.MID_YEAR,
        groups=groups,
        today=datetime.date(org.fiscal_year.year, 11, 21),
    )
    label = org.fiscal_year.label
    assert text.splitlines()[0] == f"{label} 中間確認 未提出の一覧（{label[:-1]}11月21日現在）"
    assert "■市民部（2件）" in text
    assert "・市民課長 市民課 太郎 様（1件）" in text
    assert f"　番号{org.item_a.number} {org.item_a.title}（差し戻し）" in text
    assert "生活福祉課" not in text


def test_nothing_unfiled_says_so(org):
    set_phase(org, "mid_year")
    text = unfiled_reminder_text(
        fiscal_year=org.fiscal_year, stage=Stage.YEAR_END, groups=[], today=datetime.date.today()
    )
    assert "未提出の確認はありません。" in text


def test_due_facts_of_a_common_item_named_later(mid_year):
    org = mid_year
    common = factories.GoalItemFactory(
        sheet=org.sheet_a, position=1, is_common=True, common_reviewer_section=org.section_a2
    )
    make_review(common, None, stage=Stage.MID_YEAR, status=ReviewStatus.CONFIRMED)
    facts, _ = due_facts(fiscal_year=org.fiscal_year)
    mine = {
        (fact.stage, fact.section_id, fact.status) for fact in facts if fact.item_id == common.pk
    }
    assert mine == {
        (Stage.MID_YEAR, None, ReviewStatus.CONFIRMED),
        (Stage.YEAR_END, org.section_a2.pk, MISSING),
    }


def test_review_summaries_for_the_sheet_page(mid_year, django_assert_num_queries):
    org = mid_year
    shared = factories.GoalItemFactory(
        sheet=org.sheet_a, position=1, sections=[org.section_a1, org.section_a2]
    )
    make_review(shared, org.section_a1, status=ReviewStatus.SUBMITTED)
    make_review(shared, org.section_a2, status=ReviewStatus.CONFIRMED)
    make_review(org.item_a, org.section_a1)  # a draft: not shown

    user_roles(org.head_a)
    sheet = sheet_with_content(pk=org.sheet_a.pk)  # as the sheet page loads it
    with django_assert_num_queries(1):
        summaries = review_summaries_by_item(sheet=sheet, user=org.head_a)
    assert [(s.reviewer, s.mark, s.status_label) for s in summaries[shared.pk]] == [
        ("市民課", "○", "提出済み"),
        ("経済課", "○", "確認済み"),
    ]
    assert org.item_a.pk not in summaries
    chief = review_summaries_by_item(sheet=org.sheet_a, user=org.chief_a2)
    assert [s.reviewer for s in chief[shared.pk]] == ["経済課"]


# Drafts stay private (issue 16, point 7) ---------------------------------------------------------


def test_a_drafts_text_is_found_by_nobody_but_its_writers(mid_year):
    org = mid_year
    make_review(
        org.item_a, org.section_a1, status=ReviewStatus.DRAFT, first_half_status="まだ下書きの文"
    )
    assert found(org.planner, keyword="下書きの文") == []
    assert found(org.admin, keyword="下書きの文") == []


def test_search_rows_show_that_a_draft_exists_but_not_its_text(mid_year):
    org = mid_year
    make_review(
        org.item_a, org.section_a1, status=ReviewStatus.DRAFT, first_half_status="まだ下書きの文"
    )
    items = GoalItem.objects.filter(pk=org.item_a.pk)
    [(_item, review)] = item_review_rows(user=org.planner, items=items)
    assert review.status == ReviewStatus.DRAFT and review.first_half_status == ""
    [(_item, review)] = item_review_rows(user=org.chief_a, items=items)  # its writer
    assert review.first_half_status == "まだ下書きの文"
    make_review(
        org.item_a,
        org.section_a1,
        status=ReviewStatus.SUBMITTED,
        stage=Stage.YEAR_END,
        summary="提出した総括",
    )
    rows = item_review_rows(user=org.planner, items=items)
    assert "提出した総括" in [review.summary for _, review in rows]
