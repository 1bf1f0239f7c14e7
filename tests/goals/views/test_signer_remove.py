import pytest

from goals.models import SheetSigner
from tests import factories
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def signer(org):
    return factories.SheetSignerFactory(sheet=org.sheet_a, title="担当部長", name="副田 一郎")


def url(org, signer):
    return goals_url("signer_remove", org.sheet_a.pk, signer.pk)


def test_without_javascript_a_confirmation_page_comes_first(org, as_persona, signer):
    client = as_persona("head_a")
    response = client.get(url(org, signer))
    assert is_full_page(response) and "削除しますか" in text(response)
    assert SheetSigner.objects.filter(pk=signer.pk).exists()
    assert client.post(url(org, signer)).status_code == 302
    assert not SheetSigner.objects.filter(pk=signer.pk).exists()


def test_another_departments_head_gets_404(org, as_persona, signer):
    assert as_persona("head_b").post(url(org, signer)).status_code == 404


def test_a_section_chief_gets_403(org, as_persona, signer):
    assert as_persona("chief_a").post(url(org, signer)).status_code == 403
    assert SheetSigner.objects.filter(pk=signer.pk).exists()


def test_wrong_method(org, as_persona, signer):
    assert as_persona("head_a").put(url(org, signer)).status_code == 405


def test_htmx_gets_the_signers_block(org, as_persona, signer):
    response = as_persona("head_a").post(url(org, signer), **HTMX)
    assert not is_full_page(response)
    assert text(response).strip().startswith('<div id="sheet-signers"')
    assert "副田" not in text(response)
