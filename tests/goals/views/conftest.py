"""Helpers for the sheet editor's view tests (one file per view).

Every file checks the same things: it works for the owner, a wrong method 405, an htmx
request gets the partial and a plain request the full page. Who gets 404 or 403 on the URL as
`tests/test_url_matrix.py` calls it is in that table; a file here adds a refusal only for
another method, state or object than the matrix's.
"""

import pytest
from django.urls import reverse

from goals.models import SheetStatus
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}


def goals_url(name: str, *args, query: str = "") -> str:
    return reverse(f"goals:{name}", args=args) + query


def text(response) -> str:
    return response.content.decode()


def is_full_page(response) -> bool:
    return "<html" in text(response)


@pytest.fixture
def as_persona(client_for, org):
    """as_persona("head_a") is a client logged in as that persona."""

    def login(name: str):
        return client_for(org.persona(name))

    return login


@pytest.fixture
def signed(org):
    factories.SheetSignerFactory(sheet=org.sheet_a, title="市民部長", name="市民 太郎")
    return org.sheet_a


@pytest.fixture
def submitted(org, signed):
    """Department A's sheet, submitted (version 2, as after sheet_submit)."""
    org.sheet_a.status = SheetStatus.SUBMITTED
    org.sheet_a.version = 2
    org.sheet_a.save()
    return org.sheet_a


@pytest.fixture
def accepted(org, signed):
    org.sheet_a.status = SheetStatus.ACCEPTED
    org.sheet_a.save()
    return org.sheet_a


def item_post_data(org, **changes) -> dict:
    data = {
        "number": "1",
        "title": "窓口業務の改善",
        "achievement": "・待ち時間が短くなっている。\n・手続きがオンラインでできる。",
        "method": "窓口の動線を見直す\n予約システムを導入する",
        "deadline": "１２月",
        "sections": [str(org.section_a1.pk), str(org.section_a2.pk)],
    }
    data.update(changes)
    return data
