"""Text kept as typed (issue 11, point 4): markers removed only when they are markers, wrapped
lines kept in their bullet; checked in the stored sheet."""

import pytest

from goals.models import GoalSheet
from tests import factories
from tests.excel.importing import import_workbook, plan_for
from tests.excel.workbooks import simple_workbook

pytestmark = pytest.mark.django_db


def test_words_and_numbers_that_begin_like_markers_are_stored_as_typed(org):
    factories.CategoryFactory(name="その他")
    GoalSheet.objects.filter(pk=org.sheet_a.pk).delete()
    rows = [
        [
            "1",
            "〇〇地区の見守り",
            "その他",
            "・〇歳児健診の受診率\n・－５％（前年比）\n・-10%",
            "・地域の会議で説明し、理解を\n得たうえで進める\n・〇〇地区から始める",
            "12月",
            "市民課",
        ]
    ]
    plan = plan_for(simple_workbook(rows), org.fiscal_year.year, "市民部")
    assert plan.imported.unread_cells == []
    sheet = import_workbook(simple_workbook(rows), org.fiscal_year.year, "市民部")
    item = sheet.items.get()
    assert item.title == "〇〇地区の見守り"
    assert item.achievement == "〇歳児健診の受診率\n－５％（前年比）\n-10%"
    assert not item.achievement_as_prose
    assert item.method == "地域の会議で説明し、理解を得たうえで進める\n〇〇地区から始める"
    assert item.deadline == "12月"
