"""Names are not invented (issue 11, point 6): lists, （共通）, 〃 and vertically typed names."""

import pytest

from goals.models import Category, GoalSheet
from tests import factories
from tests.excel.importing import import_workbook, plan_for
from tests.excel.workbooks import simple_workbook

pytestmark = pytest.mark.django_db


def row(number, category="その他", carriers="市民課"):
    return [str(number), f"項目{number}", category, "・a", "・b", "3月", carriers]


@pytest.fixture
def empty_sheet(org):
    factories.CategoryFactory(name="その他")
    factories.CategoryFactory(name="施政方針")
    GoalSheet.objects.filter(pk=org.sheet_a.pk).delete()


def test_ditto_common_in_brackets_lists_and_vertical_names_are_read_as_meant(org, empty_sheet):
    rows = [
        row(1, "施政方針", "経済課"),
        row(2, "〃", "同上"),
        row(3, "その他", "（共通）"),
        row(4, "同上", "市民課・経済課"),
        row(5, "その他", "市\n民\n課"),
    ]
    sheet = import_workbook(simple_workbook(rows), org.fiscal_year.year, "市民部")
    stored = [
        (item.category.name, item.is_common, sorted(s.name for s in item.sections.all()))
        for item in sheet.items.order_by("position")
    ]
    assert stored == [
        ("施政方針", False, ["経済課"]),
        ("施政方針", False, ["経済課"]),
        ("その他", True, []),
        ("その他", False, ["市民課", "経済課"]),
        ("その他", False, ["市民課"]),
    ]


def test_a_list_of_names_is_never_created_as_one_name(org, empty_sheet):
    rows = [row(1, "施政方針・個別計画", "市民課・未来課"), row(2, "その他", "未来創造課")]
    plan = plan_for(simple_workbook(rows), org.fiscal_year.year, "市民部", create_missing=True)
    assert [str(problem) for problem in plan.problems] == [
        "5行目 C列（計画・方針等の分類）: 分類「施政方針・個別計画」は1つの名前に見えません"
        "（「・」や空白で区切られています）。登録されている分類を1つ書いてください"
        "（登録されている分類: 施政方針、個別計画）。",
        "5行目 G列（共通/課名）: 課「市民課・未来課」は1つの名前に見えません"
        "（「・」や空白で区切られています）。課ごとに改行か「、」で区切って、"
        "登録されている名前を書いてください。",
    ]
    assert plan.new_sections == ["未来創造課"]  # one name: proposed for approval
    assert plan.new_categories == []
    assert not Category.objects.filter(name="施政方針・個別計画").exists()
