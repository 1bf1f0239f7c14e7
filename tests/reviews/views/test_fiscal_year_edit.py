import pytest
from django.urls import reverse

from goals.models import ChangeLog
from tests.reviews.conftest import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(org):
    return reverse("reviews:fiscal_year_edit", args=[org.fiscal_year.year])


def data(org, **overrides):
    year = org.fiscal_year.year
    values = {
        "phase": "mid_year",
        "sheet_deadline": f"{year}-04-30",
        "mid_year_deadline": f"{year}-11-30",
        "year_end_deadline": f"{year + 1}-04-30",
    }
    values.update(overrides)
    prefix = f"year{year}-"
    return {prefix + key: value for key, value in values.items()}


def test_planning_staff_open_the_mid_year_phase(org, client_for, url):
    response = client_for(org.planner).post(url, data(org))
    assert response.status_code == 302
    org.fiscal_year.refresh_from_db()
    assert org.fiscal_year.phase == "mid_year"
    assert org.fiscal_year.mid_year_deadline.isoformat().endswith("-11-30")
    assert ChangeLog.objects.filter(action="fiscal_year.updated", user=org.planner).exists()


def test_htmx_gets_the_updated_card(org, client_for, url):
    page = client_for(org.planner).post(url, data(org), **HTMX).content.decode()
    assert "<html" not in page and f'id="year-{org.fiscal_year.year}"' in page
    assert "「中間確認」の段階にしました" in page


def test_bad_deadlines_come_back_with_japanese_messages(org, client_for, url):
    year = org.fiscal_year.year
    client = client_for(org.planner)
    page = client.post(url, data(org, mid_year_deadline=f"{year}-04-01"), **HTMX).content.decode()
    assert "中間確認の期限は整理表の提出期限より後にしてください。" in page
    page = client.post(url, data(org, year_end_deadline="2026-02-31"), **HTMX).content.decode()
    assert "日付を正しく入力してください。" in page
    org.fiscal_year.refresh_from_db()
    assert org.fiscal_year.phase == "planning"


def test_get_shows_the_form_and_cancel_returns_the_card(org, client_for, url):
    client = client_for(org.planner)
    page = client.get(url).content.decode()
    assert "<html" in page and "中間確認の期限" in page
    page = client.get(url, **HTMX).content.decode()
    assert "<html" not in page and "<form" in page
    page = client.get(url, {"cancel": 1}, **HTMX).content.decode()
    assert "<form" not in page and "変更" in page


@pytest.mark.parametrize("persona", ["head_a", "chief_a"])
def test_others_get_403(org, client_for, url, persona):
    client = client_for(org.persona(persona))
    assert client.get(url).status_code == 403
    assert client.post(url, data(org)).status_code == 403


def test_unknown_year_is_404(org, client_for):
    assert (
        client_for(org.planner).get(reverse("reviews:fiscal_year_edit", args=[1999])).status_code
        == 404
    )


def test_wrong_method(org, client_for, url):
    assert client_for(org.planner).put(url).status_code == 405
