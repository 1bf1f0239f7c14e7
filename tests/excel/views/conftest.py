import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from departments.models import Department, Section
from goals.models import Category, ChangeLog, FiscalYear, GoalItem, GoalSheet
from reviews.models import Review
from tests import factories
from tests.excel.workbooks import simple_workbook


def rows_for(count: int, section: str = "市民課") -> list[list]:
    return [
        [str(n), f"実施項目{n}", "施政方針", "・達成水準", "・方法一\n・方法二", "12月", section]
        for n in range(1, count + 1)
    ]


@pytest.fixture
def categories(org):
    for name in ("施政方針", "その他"):
        factories.CategoryFactory(name=name)


@pytest.fixture
def good_workbook(categories) -> bytes:
    return simple_workbook(rows_for(3))


def db_state():
    """What an import could change: counts, and the versions of the sheets."""
    return (
        GoalSheet.objects.count(),
        GoalItem.objects.count(),
        Review.objects.count(),
        Category.objects.count(),
        Section.objects.count(),
        Department.objects.count(),
        FiscalYear.objects.count(),
        ChangeLog.objects.count(),
        sorted(GoalSheet.objects.values_list("pk", "version")),
    )


@pytest.fixture
def upload():
    """upload(client, content, department=, fiscal_year=, htmx=) posts to the preview."""

    def post(client, content, *, department, fiscal_year, filename="整理表.xlsx", htmx=False):
        data = {
            "fiscal_year": fiscal_year.pk,
            "department": department.pk,
            "file": SimpleUploadedFile(filename, content),
        }
        headers = {"HX-Request": "true"} if htmx else {}
        return client.post(reverse("excel:import_preview"), data, headers=headers)

    return post
