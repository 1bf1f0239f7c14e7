import pytest

from goals.models import GoalSheet
from tests import factories
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def without_sheet(org):
    """Department A has last year's sheet but none this year."""
    last_year = factories.FiscalYearFactory(year=org.fiscal_year.year - 1)
    old = factories.GoalSheetFactory(fiscal_year=last_year, department=org.dept_a)
    factories.GoalItemFactory(
        sheet=old, position=0, title="昨年度の項目", sections=[org.section_a1]
    )
    org.sheet_a.delete()
    return {"department": org.dept_a.pk, "year": org.fiscal_year.year}


def test_the_head_starts_from_last_year(org, as_persona, without_sheet):
    response = as_persona("head_a").post(
        goals_url("sheet_create"), {**without_sheet, "source": "previous"}
    )
    sheet = GoalSheet.objects.get(department=org.dept_a, fiscal_year=org.fiscal_year)
    assert response.status_code == 302 and response.url == goals_url("sheet_detail", sheet.pk)
    assert list(sheet.items.values_list("title", flat=True)) == ["昨年度の項目"]


def test_the_head_creates_an_empty_sheet(org, as_persona, without_sheet):
    as_persona("head_a").post(goals_url("sheet_create"), {**without_sheet, "source": "empty"})
    sheet = GoalSheet.objects.get(department=org.dept_a, fiscal_year=org.fiscal_year)
    assert sheet.items.count() == 0


def test_the_choice_page(org, as_persona, without_sheet):
    response = as_persona("head_a").get(goals_url("sheet_create"), without_sheet)
    assert response.status_code == 200 and is_full_page(response)
    assert "前年度の整理表から作成" not in text(response)  # named by its year instead
    assert "の整理表から作成" in text(response) and "空の整理表を作成" in text(response)


def test_an_existing_sheet_is_opened_instead(org, as_persona):
    response = as_persona("head_a").post(
        goals_url("sheet_create"),
        {"department": org.dept_a.pk, "year": org.fiscal_year.year, "source": "empty"},
    )
    assert response.url == goals_url("sheet_detail", org.sheet_a.pk)
    assert GoalSheet.objects.filter(department=org.dept_a).count() == 1


def test_another_departments_head_gets_404(org, as_persona, without_sheet):
    response = as_persona("head_b").post(
        goals_url("sheet_create"), {**without_sheet, "source": "empty"}
    )
    assert response.status_code == 404


def test_a_section_chief_gets_403(org, as_persona, without_sheet):
    response = as_persona("chief_a").post(
        goals_url("sheet_create"), {**without_sheet, "source": "empty"}
    )
    assert response.status_code == 403
    assert not GoalSheet.objects.filter(department=org.dept_a, fiscal_year=org.fiscal_year).exists()


def test_wrong_method(org, as_persona, without_sheet):
    assert as_persona("head_a").put(goals_url("sheet_create")).status_code == 405


def test_bad_parameters_are_404(org, as_persona):
    assert as_persona("head_a").get(goals_url("sheet_create"), {"year": "x"}).status_code == 404


def test_htmx_gets_the_form_only(org, as_persona, without_sheet):
    response = as_persona("head_a").get(goals_url("sheet_create"), without_sheet, **HTMX)
    assert response.status_code == 200 and not is_full_page(response)
    assert 'id="sheet-create-form"' in text(response)


def test_htmx_post_redirects_on_the_client(org, as_persona, without_sheet):
    response = as_persona("head_a").post(
        goals_url("sheet_create"), {**without_sheet, "source": "empty"}, **HTMX
    )
    sheet = GoalSheet.objects.get(department=org.dept_a, fiscal_year=org.fiscal_year)
    assert response["HX-Redirect"] == goals_url("sheet_detail", sheet.pk)
