"""Every URL × every role: the answer each persona gets (200 / 302 to login / 403 / 404 / 405).

A URL without an entry here fails `test_every_url_has_an_entry`: adding a view means deciding, in
this table, who may open it. Objects are those of the `org` fixture: department A's draft sheet
and item (A = 市民部 with 市民課 and 経済課), department B = 福祉部.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PERSONAS

LOGIN = "login"  # anonymous users are sent to the login page


@dataclass
class Entry:
    args: Callable = lambda org: []
    query: str = ""
    method: str = "get"
    data: Callable = lambda org: {}
    expect: dict = field(default_factory=dict)
    htmx: bool = False


def everyone(status) -> dict:
    return {persona: status for persona in PERSONAS if persona != "anonymous"} | {
        "anonymous": LOGIN
    }


MATRIX: dict[str, Entry] = {
    "home": Entry(expect=everyone(200)),
    # A signed-in user opening the login page is sent on to the home page.
    "login": Entry(expect=dict.fromkeys(PERSONAS, 302) | {"anonymous": 200}),
    "logout": Entry(method="post", expect=dict.fromkeys(PERSONAS, 302)),
}

# Django's admin is one application with its own permission checks (is_staff, model
# permissions); the matrix checks its entrance, and tests/test_admin.py its pages.
ADMIN_ENTRY = Entry(
    expect={"anonymous": 302, "admin": 200}
    | {p: 302 for p in PERSONAS if p not in {"anonymous", "admin"}}
)


def url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if inner.startswith("admin:"):
                continue
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_an_entry():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert not missing, f"URL × 役割の表に載っていない URL があります: {missing}"


def expected_status(entry: Entry, persona: str):
    return entry.expect[persona]


def request(client, entry: Entry, url: str, org):
    headers = {"HTTP_HX_REQUEST": "true"} if entry.htmx else {}
    call = getattr(client, entry.method)
    return call(url, entry.data(org), **headers) if entry.method == "post" else call(url, **headers)


CASES = [(name, persona) for name in sorted(MATRIX) for persona in PERSONAS]


@pytest.mark.parametrize(("url_name", "persona"), CASES)
def test_url_answers_each_role(url_name, persona, org, client_for):
    entry = MATRIX[url_name]
    client = client_for(org.persona(persona))
    url = reverse(url_name, args=entry.args(org)) + entry.query
    response = request(client, entry, url, org)
    expected = expected_status(entry, persona)
    if expected == LOGIN:
        assert response.status_code == 302, response
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected, (url, persona, response.status_code)


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_entrance(persona, org, client_for):
    client = client_for(org.persona(persona))
    response = client.get(reverse("admin:index"))
    assert response.status_code == ADMIN_ENTRY.expect[persona]
