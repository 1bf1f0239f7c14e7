import pytest

from goals.models import SheetSigner
from tests import factories
from tests.goals.views.conftest import HTMX, goals_url, is_full_page, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def signers(org):
    return [
        factories.SheetSignerFactory(sheet=org.sheet_a, position=0, name="一人目"),
        factories.SheetSignerFactory(sheet=org.sheet_a, position=1, name="二人目"),
    ]


def url(org, signer):
    return goals_url("signer_move", org.sheet_a.pk, signer.pk)


def names(org):
    return list(SheetSigner.objects.filter(sheet=org.sheet_a).values_list("name", flat=True))


def test_the_head_reorders_signers(org, as_persona, signers):
    response = as_persona("head_a").post(url(org, signers[1]), {"direction": "up"})
    assert response.status_code == 302
    assert names(org) == ["二人目", "一人目"]


def test_another_departments_head_gets_404(org, as_persona, signers):
    assert as_persona("head_b").post(url(org, signers[1]), {"direction": "up"}).status_code == 404


def test_a_section_chief_gets_403(org, as_persona, signers):
    assert as_persona("chief_a").post(url(org, signers[1]), {"direction": "up"}).status_code == 403
    assert names(org) == ["一人目", "二人目"]


def test_wrong_method(org, as_persona, signers):
    assert as_persona("head_a").get(url(org, signers[1])).status_code == 405


def test_htmx_gets_the_signers_block(org, as_persona, signers):
    response = as_persona("head_a").post(url(org, signers[0]), {"direction": "down"}, **HTMX)
    assert not is_full_page(response)
    content = text(response)
    assert content.index("二人目") < content.index("一人目")
