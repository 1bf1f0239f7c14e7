import pytest

from goals.models import SheetSigner
from tests import factories
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def signer(org):
    return factories.SheetSignerFactory(sheet=org.sheet_a, title="市民部長", name="市民 太郎")


def url(org, signer):
    return goals_url("signer_edit", org.sheet_a.pk, signer.pk)


def test_the_head_corrects_a_name(org, as_persona, signer):
    response = as_persona("head_a").post(
        url(org, signer), {"title": "市民部長", "name": "市民 花子"}
    )
    assert response.status_code == 302
    assert SheetSigner.objects.get(pk=signer.pk).name == "市民 花子"


def test_wrong_method(org, as_persona, signer):
    assert as_persona("head_a").put(url(org, signer)).status_code == 405


def test_htmx_opens_the_signer_in_place(org, as_persona, signer):
    response = as_persona("head_a").get(url(org, signer), **HTMX)
    assert not is_full_page(response)
    assert f'hx-post="{url(org, signer)}"' in text(response)


def test_full_page_otherwise(org, as_persona, signer):
    assert is_full_page(as_persona("head_a").get(url(org, signer)))
