"""print:city_download — the whole city's PDF, once its job is done."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.http import content_disposition_header

from goals.models import CityPdfJob

pytestmark = pytest.mark.usefixtures("accepted_sheets")


@pytest.fixture
def done(org):
    job = CityPdfJob(
        fiscal_year=org.fiscal_year, kind="year_end", status=CityPdfJob.Status.DONE, page_count=1
    )
    job.file.save("bundle.pdf", ContentFile(b"%PDF-1.7 bundle"), save=False)
    job.save()
    return job


def url(job):
    return reverse("print:city_download", args=[job.pk])


def test_downloads_with_a_japanese_file_name(done, client_for, org):
    response = client_for(org.planner).get(url(done))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 bundle"
    assert response["Content-Type"] == "application/pdf"
    expected = f"{org.fiscal_year.label}_組織目標展開整理表_達成状況_全庁.pdf"
    assert response["Content-Disposition"] == content_disposition_header(True, expected)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("planner", 200), ("admin", 200), ("head_a", 403), ("chief_a", 403), ("anonymous", 302)],
)
def test_for_planning_staff_and_administrators(done, client_for, org, persona, status):
    assert client_for(org.persona(persona)).get(url(done)).status_code == status


@pytest.mark.parametrize("status", [CityPdfJob.Status.RUNNING, CityPdfJob.Status.FAILED])
def test_not_ready_is_404(done, client_for, org, status):
    done.status = status
    done.save()

    assert client_for(org.planner).get(url(done)).status_code == 404


def test_deleted_file_is_404(done, client_for, org):
    done.file.delete(save=False)

    assert client_for(org.planner).get(url(done)).status_code == 404


def test_wrong_method(done, client_for, org):
    assert client_for(org.planner).post(url(done)).status_code == 405


def test_htmx_request_gets_the_same_file(done, client_for, org):
    response = client_for(org.planner).get(url(done), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_full_request_gets_the_file(done, client_for, org):
    assert client_for(org.planner).get(url(done))["Content-Disposition"].startswith("attachment")
