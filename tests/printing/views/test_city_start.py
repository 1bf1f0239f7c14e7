"""print:city_start — ask for the whole city's PDF; the job box shows it (jobs run at once here)."""

import pytest
from django.urls import reverse

from goals.models import ChangeLog, CityPdfJob
from tests import factories

START = reverse("print:city_start")

pytestmark = pytest.mark.usefixtures("accepted_sheets")


def form(org, kind="plan"):
    return {"year": str(org.fiscal_year.year), "kind": kind}


def test_builds_the_pdf_and_shows_where_to_download_it(org, client_for):
    response = client_for(org.planner).post(START, form(org))

    job = CityPdfJob.objects.get()
    assert job.status == CityPdfJob.Status.DONE
    assert job.requested_by == org.planner
    assert job.page_count == 4  # cover, contents, 市民部, 福祉部
    assert response.status_code == 302
    assert response["Location"] == reverse("print:city_status", args=[job.pk])
    log = ChangeLog.objects.get(action="pdf.city_requested")
    assert log.user == org.planner
    assert log.changes["種類"] == "組織目標展開整理表"


def test_htmx_request_gets_the_job_box(org, client_for):
    response = client_for(org.planner).post(
        START, form(org, "year_end"), headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div class="bundle" id="bundle-year_end"')
    assert reverse("print:city_download", args=[CityPdfJob.objects.get().pk]) in body


def test_full_request_redirects_to_the_job(org, client_for):
    response = client_for(org.planner).post(START, form(org))

    assert response.status_code == 302


def test_a_job_under_way_is_joined_not_doubled(org, client_for, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = client_for(org.planner)

    client.post(START, form(org))
    client.post(START, form(org))

    job = CityPdfJob.objects.get()
    assert job.status == CityPdfJob.Status.QUEUED


@pytest.mark.parametrize(
    ("persona", "status"),
    [("planner", 302), ("admin", 302), ("head_a", 403), ("chief_a", 403), ("anonymous", 302)],
)
def test_for_planning_staff_and_administrators(org, client_for, persona, status):
    response = client_for(org.persona(persona)).post(START, form(org))

    assert response.status_code == status
    assert CityPdfJob.objects.exists() == (persona in ("planner", "admin"))


def test_wrong_method(org, client_for):
    assert client_for(org.planner).get(START).status_code == 405


@pytest.mark.parametrize(
    "data", [{"year": "2999", "kind": "plan"}, {"year": "", "kind": "plan"}, {"kind": "x"}]
)
def test_bad_input_changes_nothing(org, client_for, data):
    data = {"year": str(org.fiscal_year.year), **data}

    response = client_for(org.planner).post(START, data)

    assert response.status_code == 400
    assert "年度または種類が正しくありません。" in response.content.decode()
    assert not CityPdfJob.objects.exists()


def test_a_year_without_sheets_says_so(org, client_for):
    older = factories.FiscalYearFactory(year=org.fiscal_year.year - 1)
    data = {"year": str(older.year), "kind": "plan"}

    response = client_for(org.planner).post(START, data)
    assert response.status_code == 400
    htmx = client_for(org.planner).post(START, data, headers={"HX-Request": "true"})

    assert htmx.status_code == 200
    assert f"{older.label}の整理表はまだありません。" in htmx.content.decode()
    assert not CityPdfJob.objects.exists()
