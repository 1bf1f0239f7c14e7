import pytest

from goals.services import sheet_accept
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(org, submitted):
    return sheet_accept(sheet=org.sheet_a, version=2, user=org.planner)


def url(org, number=1):
    return goals_url("snapshot_detail", org.sheet_a.pk, number)


def test_an_accepted_version_is_shown_as_accepted(org, as_persona, snapshot):
    org.item_a.title = "後で変えた題"
    org.item_a.save()
    response = as_persona("head_a").get(url(org))
    content = text(response)
    assert response.status_code == 200
    assert "第1版" in content and "企画 太郎" in content
    assert snapshot.data["items"][0]["title"] in content and "後で変えた題" not in content
    assert "市民 太郎" in content  # the signer as accepted
    assert goals_url("item_edit", org.sheet_a.pk, org.item_a.pk) not in content


def test_a_section_chief_reads_it(org, as_persona, snapshot):
    assert as_persona("chief_a").get(url(org)).status_code == 200


def test_an_unknown_version_is_404(org, as_persona, snapshot):
    assert as_persona("head_a").get(url(org, 9)).status_code == 404


def test_wrong_method(org, as_persona, snapshot):
    assert as_persona("head_a").post(url(org)).status_code == 405


def test_htmx_gets_the_table_body(org, as_persona, snapshot):
    response = as_persona("head_a").get(url(org), **HTMX)
    assert not is_full_page(response)
    assert text(response).lstrip().startswith('<tbody id="snapshot-items">')


def test_full_page_otherwise(org, as_persona, snapshot):
    assert is_full_page(as_persona("head_a").get(url(org)))
