"""達成状況 matched by code or label in any width and spacing (issue 11, point 7)."""

import io

import pytest
from openpyxl import load_workbook

from goals.models import GoalSheet
from reviews.models import AchievementLevel, Review, Stage
from tests import factories
from tests.excel.importing import import_workbook, plan_for
from tests.excel.workbooks import simple_workbook, to_bytes

pytestmark = pytest.mark.django_db

TYPED = [
    "C",
    "Ｃ",
    "c",
    "C：ほとんど未達成",
    "（Ｃ）",
    " C : ほとんど未達成だった(達成率80～50%)",
    "ほとんど未達成だった（達成率８０〜５０％）",
    "B",
    "ほぼ　達成した",
]


def workbook(statuses: list[str]) -> bytes:
    rows = [
        [str(n), f"項目{n}", "その他", "・a", "・b", "3月", "市民課"]
        for n in range(1, len(statuses) + 1)
    ]
    wb = load_workbook(io.BytesIO(simple_workbook(rows)))
    wb.active["H4"] = "達成状況"
    for offset, status in enumerate(statuses):
        wb.active.cell(5 + offset, 8, status)
    return to_bytes(wb)


@pytest.fixture
def coded_scale(org):
    factories.CategoryFactory(name="その他")
    scale = org.fiscal_year.achievement_scale
    for code, level in zip("ABC", scale.levels.order_by("position"), strict=True):
        level.code = code
        level.save()
    GoalSheet.objects.filter(pk=org.sheet_a.pk).delete()
    return scale


def test_codes_and_labels_in_any_width_and_spacing_are_stored(org, coded_scale):
    sheet = import_workbook(workbook(TYPED), org.fiscal_year.year, "市民部")
    reviews = {
        review.item.number: review.achievement_level.code
        for review in Review.objects.filter(item__sheet=sheet, stage=Stage.YEAR_END)
    }
    assert reviews == dict(enumerate("CCCCCCCBB", start=1))


def test_an_unknown_level_lists_the_codes_and_labels_accepted(org, coded_scale):
    plan = plan_for(workbook(["Z"]), org.fiscal_year.year, "市民部")
    labels = list(AchievementLevel.objects.filter(scale=coded_scale).order_by("position"))
    assert [str(problem) for problem in plan.problems] == [
        f"5行目 H列（達成状況）: 達成状況「Z」は尺度「{coded_scale.name}」にありません"
        f"（使えるのは A（{labels[0].label}）、B（{labels[1].label}）、C（{labels[2].label}））。"
    ]
