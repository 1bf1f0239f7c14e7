"""print:city_status — a whole-city job's progress; htmx polls its box while it runs."""

import pytest
from django.urls import reverse

from goals.models import CityPdfJob

pytestmark = pytest.mark.usefixtures("accepted_sheets")


@pytest.fixture
def running(org):
    return CityPdfJob.objects.create(
        fiscal_year=org.fiscal_year,
        kind="plan",
        status=CityPdfJob.Status.RUNNING,
        stage="部ごとに描画しています",
        departments_done=3,
        departments_total=4,
    )


def url(job):
    return reverse("print:city_status", args=[job.pk])


def test_shows_progress_while_running(running, client_for, org):
    body = client_for(org.planner).get(url(running)).content.decode()

    assert "作成中：部ごとに描画しています" in body
    assert "3 / 4 部" in body
    assert '<progress max="100" value="75">' in body
    assert f'hx-get="{url(running)}" hx-trigger="every 2s"' in body
    assert f'href="{url(running)}"' in body  # without JavaScript: a link to refresh
    assert "作成する" not in body


def test_shows_the_download_when_done(running, client_for, org):
    running.status = CityPdfJob.Status.DONE
    running.page_count = 12
    running.save()

    body = client_for(org.planner).get(url(running)).content.decode()

    assert reverse("print:city_download", args=[running.pk]) in body
    assert "12ページ" in body
    assert "hx-trigger" not in body
    assert "作り直す" in body


def test_shows_the_error_when_failed(running, client_for, org):
    running.status = CityPdfJob.Status.FAILED
    running.error = "PDF を作成できませんでした。"
    running.save()

    body = client_for(org.planner).get(url(running)).content.decode()

    assert "PDF を作成できませんでした。" in body
    assert "作成する" in body


@pytest.mark.parametrize(
    ("persona", "status"),
    [("planner", 200), ("admin", 200), ("head_a", 403), ("chief_b", 403), ("anonymous", 302)],
)
def test_for_planning_staff_and_administrators(running, client_for, org, persona, status):
    assert client_for(org.persona(persona)).get(url(running)).status_code == status


def test_unknown_job_is_404(org, client_for):
    assert client_for(org.planner).get(reverse("print:city_status", args=[999])).status_code == 404


def test_wrong_method(running, client_for, org):
    assert client_for(org.planner).post(url(running)).status_code == 405


def test_htmx_request_gets_the_box(running, client_for, org):
    response = client_for(org.planner).get(url(running), headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div class="bundle" id="bundle-plan"')


def test_full_page_otherwise(running, client_for, org):
    body = client_for(org.planner).get(url(running)).content.decode()

    assert "<html" in body
    assert f"{org.fiscal_year.label}　全庁版PDF" in body
    assert "印刷メニューへ戻る" in body
