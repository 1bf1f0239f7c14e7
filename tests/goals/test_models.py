import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from departments.models import Role, RoleAssignment, Section
from goals.models import GoalItem, GoalSheet
from reviews.models import Review, Stage
from tests import factories


def test_one_sheet_per_year_and_department(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        GoalSheet.objects.create(
            fiscal_year=org.fiscal_year, department=org.dept_a, created_on=org.sheet_a.created_on
        )


def test_sheet_title_follows_the_year_setting(org):
    assert org.sheet_a.title == f"{org.fiscal_year.label} 組織目標展開整理表（部の組織目標）"
    org.fiscal_year.title_with_department = True
    assert org.sheet_a.title.endswith("（市民部の組織目標）")


def test_item_clean_normalises_deadline_and_bullets(org):
    item = GoalItem(
        sheet=org.sheet_a,
        number=2,
        title="新しい項目",
        achievement="・一つ目\n- 二つ目\n\n",
        method="●方法",
        deadline="１２月",
    )
    item.full_clean()
    assert item.deadline == "12月"
    assert item.deadline_kind == "month"
    assert item.deadline_due.month == 12
    assert item.achievement_bullets == ["一つ目", "二つ目"]
    assert item.method == "方法"


def test_item_needs_a_title_unless_it_continues_the_one_above(org):
    item = GoalItem(sheet=org.sheet_a, number=2, title="")
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "実施項目を入力してください。" in error.value.message_dict["title"]
    item.continues_title = True
    item.full_clean()


def test_continued_achievement_requires_continued_title_in_the_database(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        GoalItem.objects.create(sheet=org.sheet_a, number=2, title="x", continues_achievement=True)


def test_impossible_deadline_is_a_field_error(org):
    item = GoalItem(sheet=org.sheet_a, number=2, title="x", deadline="13月")
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "deadline" in error.value.message_dict


def test_review_section_must_carry_its_item(org):
    review = Review(item=org.item_a, section=org.section_a2, stage=Stage.MID_YEAR)
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert error.value.message_dict["section"] == ["この課はこの実施項目を担当していません。"]
    Review(item=org.item_a, section=org.section_a1, stage=Stage.MID_YEAR).full_clean()


def test_department_review_only_for_common_items(org):
    review = Review(item=org.item_a, section=None, stage=Stage.MID_YEAR)
    with pytest.raises(ValidationError):
        review.full_clean()
    common = factories.GoalItemFactory(sheet=org.sheet_a, position=1, is_common=True)
    Review(item=common, section=None, stage=Stage.MID_YEAR).full_clean()


def test_one_review_per_item_section_and_stage(org):
    Review.objects.create(item=org.item_a, section=org.section_a1, stage=Stage.MID_YEAR)
    Review.objects.create(item=org.item_a, section=org.section_a1, stage=Stage.YEAR_END)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(item=org.item_a, section=org.section_a1, stage=Stage.MID_YEAR)


def test_one_department_review_per_common_item_and_stage(org):
    common = factories.GoalItemFactory(sheet=org.sheet_a, position=1, is_common=True)
    Review.objects.create(item=common, section=None, stage=Stage.MID_YEAR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(item=common, section=None, stage=Stage.MID_YEAR)


def test_review_marks_come_from_the_years_scale(org):
    other_scale = factories.ProgressScaleFactory(name="別の尺度")
    foreign_mark = other_scale.marks.first()
    review = Review(
        item=org.item_a, section=org.section_a1, stage=Stage.MID_YEAR, progress_mark=foreign_mark
    )
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert "progress_mark" in error.value.message_dict


def test_role_assignment_scope_matches_role(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=org.planner,
            fiscal_year=org.fiscal_year.year,
            role=Role.SECTION_CHIEF,
            department=org.dept_a,
        )
    assignment = RoleAssignment(
        user=org.planner,
        fiscal_year=org.fiscal_year.year,
        role=Role.SECTION_CHIEF,
        department=org.dept_b,
        section=org.section_a1,
    )
    with pytest.raises(ValidationError):
        assignment.full_clean()


def test_section_names_are_unique_within_a_department(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.create(department=org.dept_a, name="市民課")
    Section.objects.create(department=org.dept_b, name="市民課")


def test_sections_active_in_a_year(org):
    org.section_a2.active_until = org.fiscal_year.year - 1
    org.section_a2.save()
    active = set(org.dept_a.sections.active_in(org.fiscal_year.year))
    assert active == {org.section_a1}


def test_overlong_text_is_refused_on_every_save_path(org):
    item = GoalItem(sheet=org.sheet_a, number=2, title="あ" * 1001)
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "title" in error.value.message_dict
    review = Review(
        item=org.item_a, section=org.section_a1, stage=Stage.MID_YEAR, first_half_status="い" * 4001
    )
    with pytest.raises(ValidationError) as error:
        review.full_clean()
    assert "first_half_status" in error.value.message_dict
