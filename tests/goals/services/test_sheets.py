"""Creating sheets (empty or from last year), the header and its signers."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from departments.models import Role
from goals.models import ChangeLog, GoalSheet, SheetSigner
from goals.services import (
    EditConflict,
    sheet_create,
    sheet_header_update,
    sheet_start_from_previous,
    signer_add,
    signer_move,
    signer_remove,
    signer_update,
)
from reviews.models import Review
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def next_year(org):
    """Next fiscal year opened, department A headed by head_a (and a 担当部長)."""
    year = factories.FiscalYearFactory(year=org.fiscal_year.year + 1)
    factories.RoleAssignmentFactory(
        user=org.head_a,
        fiscal_year=year.year,
        role=Role.DEPARTMENT_HEAD,
        department=org.dept_a,
        title="市民部長",
    )
    deputy = factories.UserFactory(username="deputy", last_name="副田", first_name="一郎")
    factories.RoleAssignmentFactory(
        user=deputy,
        fiscal_year=year.year,
        role=Role.DEPARTMENT_HEAD,
        department=org.dept_a,
        title="担当部長",
    )
    return year


def test_create_an_empty_sheet_signed_by_the_years_heads(org, next_year):
    sheet = sheet_create(department=org.dept_a, fiscal_year=next_year, user=org.head_a)
    assert sheet.status == "draft" and sheet.items.count() == 0
    assert sheet.created_on == next_year.starts_on  # outside the year today: its first day
    assert [str(signer) for signer in sheet.signers.all()] == [
        "市民部長 市民 太郎",
        "担当部長 副田 一郎",
    ]
    assert ChangeLog.objects.filter(sheet=sheet, action="sheet.created").exists()


def test_a_second_sheet_for_the_same_year_is_refused(org):
    with pytest.raises(ValidationError, match="既にあります"):
        sheet_create(department=org.dept_a, fiscal_year=org.fiscal_year, user=None)


def test_a_department_closed_that_year_gets_no_sheet(org, next_year):
    org.dept_b.active_until = org.fiscal_year.year
    org.dept_b.save()
    with pytest.raises(ValidationError, match=r"福祉部は.*にはありません"):
        sheet_create(department=org.dept_b, fiscal_year=next_year, user=None)


def test_start_from_last_year_copies_items_not_reviews(org, next_year):
    closed = factories.SectionFactory(
        department=org.dept_a, name="旧課", active_until=org.fiscal_year.year
    )
    retired = factories.CategoryFactory(name="経営改革プラン", is_active=False)
    continued = factories.GoalItemFactory(
        sheet=org.sheet_a,
        position=1,
        number=2,
        title="",
        continues_title=True,
        deadline="1月",
        category=retired,
        sections=[closed, org.section_a2],
    )
    factories.ReviewFactory(item=org.item_a, section=org.section_a1)

    sheet = sheet_start_from_previous(department=org.dept_a, fiscal_year=next_year, user=None)

    first, second = sheet.items.order_by("position")
    assert first.title == org.item_a.title
    assert first.achievement == org.item_a.achievement
    assert [c.section for c in first.carriers.all()] == [org.section_a1]
    assert second.continues_title and second.number == continued.number
    assert second.category is None
    assert [c.section for c in second.carriers.all()] == [org.section_a2]
    # "1月" is read again: January of the new fiscal year
    assert second.deadline_due == datetime.date(next_year.year + 1, 1, 31)
    assert not Review.objects.filter(item__sheet=sheet).exists()
    log = ChangeLog.objects.get(sheet=sheet, action="sheet.started_from_previous")
    assert log.changes["外した課（この年度にない課）"] == ["旧課"]
    assert log.changes["外した分類（使われなくなった分類）"] == ["経営改革プラン"]
    assert log.changes["項目数"] == 2


def test_start_from_last_year_needs_a_previous_sheet(org):
    fresh = factories.DepartmentFactory(name="新しい部")
    with pytest.raises(ValidationError, match="より前の整理表がありません"):
        sheet_start_from_previous(department=fresh, fiscal_year=org.fiscal_year, user=None)
    assert not GoalSheet.objects.filter(department=fresh).exists()


def test_header_update_records_and_checks_the_version(org):
    day = org.fiscal_year.starts_on + datetime.timedelta(days=10)
    sheet = sheet_header_update(sheet=org.sheet_a, created_on=day, version=1, user=org.head_a)
    assert sheet.created_on == day and sheet.version == 2
    log = ChangeLog.objects.get(action="sheet.header_updated")
    assert log.changes["_version"] == [1, 2]
    with pytest.raises(EditConflict) as raised:
        sheet_header_update(sheet=org.sheet_a, created_on=day, version=1, user=org.head_b)
    assert raised.value.changes[0].action == "作成日を変更"


def test_header_date_must_belong_to_the_year(org):
    with pytest.raises(ValidationError) as raised:
        sheet_header_update(
            sheet=org.sheet_a, created_on=datetime.date(1999, 4, 1), version=1, user=None
        )
    assert "までの日付にしてください" in raised.value.message_dict["created_on"][0]


def test_signers_add_edit_move_remove(org):
    first = signer_add(sheet=org.sheet_a, title="市民部長", name="市民 太郎", user=org.head_a)
    second = signer_add(sheet=org.sheet_a, title="担当部長　", name=" 副田 一郎", user=None)
    assert second.title == "担当部長" and second.name == "副田 一郎"
    signer_move(signer=second, direction="up", user=None)
    assert list(org.sheet_a.signers.values_list("name", flat=True)) == ["副田 一郎", "市民 太郎"]
    signer_update(signer=first, title="市民部長", name="市民 花子", user=None)
    signer_remove(signer=second, user=None)
    assert [str(s) for s in SheetSigner.objects.filter(sheet=org.sheet_a)] == ["市民部長 市民 花子"]
    actions = set(ChangeLog.objects.values_list("action", flat=True))
    assert {"signer.added", "signer.moved", "signer.updated", "signer.removed"} <= actions


def test_a_signer_needs_a_title_and_a_name(org):
    with pytest.raises(ValidationError):
        signer_add(sheet=org.sheet_a, title="", name="　", user=None)


def test_today_is_the_default_creation_date_within_the_year(org):
    org.sheet_a.delete()
    sheet = sheet_create(department=org.dept_a, fiscal_year=org.fiscal_year, user=None)
    assert sheet.created_on == timezone.localdate()
