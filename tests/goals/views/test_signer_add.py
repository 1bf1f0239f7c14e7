import pytest

from goals.models import SheetSigner
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, text

pytestmark = pytest.mark.django_db


def url(org):
    return goals_url("signer_add", org.sheet_a.pk)


def test_the_head_adds_a_signer(org, as_persona):
    response = as_persona("head_a").post(url(org), {"title": "担当部長", "name": "副田 一郎"})
    assert response.status_code == 302
    assert [str(s) for s in SheetSigner.objects.filter(sheet=org.sheet_a)] == ["担当部長 副田 一郎"]


def test_missing_fields_are_explained(org, as_persona):
    response = as_persona("head_a").post(url(org), {"title": "", "name": ""}, **HTMX)
    assert response.status_code == 200
    assert "職名を入力してください。" in text(response)
    assert not SheetSigner.objects.exists()


def test_another_departments_head_gets_404(org, as_persona):
    assert as_persona("head_b").post(url(org), {"title": "a", "name": "b"}).status_code == 404


def test_a_section_chief_gets_403(org, as_persona):
    assert as_persona("chief_a").post(url(org), {"title": "a", "name": "b"}).status_code == 403


def test_wrong_method(org, as_persona):
    assert as_persona("head_a").delete(url(org)).status_code == 405


def test_htmx_gets_the_signers_block(org, as_persona):
    response = as_persona("head_a").post(url(org), {"title": "部長", "name": "山田"}, **HTMX)
    assert not is_full_page(response)
    assert text(response).strip().startswith('<div id="sheet-signers"')
    assert "山田" in text(response)


def test_full_page_otherwise(org, as_persona):
    response = as_persona("head_a").get(url(org))
    assert response.status_code == 200 and is_full_page(response)
