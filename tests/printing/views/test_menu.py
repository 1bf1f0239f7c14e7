"""print:menu — planning staff's print menu: every department × kind, and the whole city."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.models import CityPdfJob
from tests import factories

MENU = reverse("print:menu")


def test_lists_every_department_and_kind(org, client_for):
    response = client_for(org.planner).get(MENU)

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    for department in ("市民部", "福祉部"):
        assert department in body
    for kind in ("plan", "year_end", "mid_year", "section_review"):
        assert f"{reverse('print:sheet_pdf', args=[org.sheet_a.pk])}?kind={kind}" in body
    assert reverse("print:city_start") in body
    assert f"{org.fiscal_year.label}　全庁版" in body


def test_department_without_a_sheet_is_listed_as_such(org, client_for):
    factories.DepartmentFactory(name="総務部", display_order=3)

    body = client_for(org.planner).get(MENU).content.decode()

    assert "総務部" in body
    assert "未作成" in body


def test_shows_the_latest_job_of_each_kind(org, client_for):
    CityPdfJob.objects.create(
        fiscal_year=org.fiscal_year,
        kind="plan",
        status=CityPdfJob.Status.RUNNING,
        stage="部ごとに描画しています",
        departments_done=1,
        departments_total=2,
    )

    body = client_for(org.planner).get(MENU).content.decode()

    assert "部ごとに描画しています" in body
    assert "1 / 2 部" in body
    assert 'hx-trigger="every 2s"' in body
    assert '<progress max="100" value="50">' in body


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("planner", 200),
        ("admin", 200),
        ("head_a", 403),
        ("chief_a", 403),
        ("head_b", 403),
        ("anonymous", 302),
    ],
)
def test_for_planning_staff_and_administrators(org, client_for, persona, status):
    assert client_for(org.persona(persona)).get(MENU).status_code == status


def test_wrong_method(org, client_for):
    assert client_for(org.planner).post(MENU).status_code == 405


def test_htmx_request_gets_the_partial(org, client_for):
    response = client_for(org.planner).get(
        f"{MENU}?year={org.fiscal_year.year}", headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="print-menu">')


def test_full_page_otherwise(org, client_for):
    body = client_for(org.planner).get(f"{MENU}?year={org.fiscal_year.year}").content.decode()

    assert "<html" in body and 'id="print-menu"' in body


@pytest.mark.parametrize("year", ["1999", "abc"])
def test_unknown_year_is_404(org, client_for, year):
    assert client_for(org.planner).get(f"{MENU}?year={year}").status_code == 404


def test_other_years_are_listed(org, client_for):
    older = factories.FiscalYearFactory(year=org.fiscal_year.year - 1)

    body = client_for(org.planner).get(f"{MENU}?year={older.year}").content.decode()

    assert f'aria-current="page">{older.label}</a>' in body
    assert "の整理表はまだありません。" in body


def test_query_count_does_not_grow_with_departments(org, client_for):
    client = client_for(org.planner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(MENU).status_code == 200
        return len(context)

    few = queries()
    for number in range(5):
        department = factories.DepartmentFactory(name=f"追加{number}部", display_order=10 + number)
        factories.GoalSheetFactory(fiscal_year=org.fiscal_year, department=department)
    for kind in ("plan", "year_end"):
        CityPdfJob.objects.create(fiscal_year=org.fiscal_year, kind=kind)
    assert queries() == few
