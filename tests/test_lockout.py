"""Issue 16, point 10: behind the proxy, a stranger's wrong passwords must not lock the real user
out. Logins are locked by username and the client's address (from the trusted proxy's
X-Forwarded-For), and an address failing too often is locked for every username."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from config.client_ip import client_ip

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # nginx on the same machine: every request's REMOTE_ADDR
STRANGER = "203.0.113.5"
REAL_USER = "198.51.100.7"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def login(address: str, username: str, password: str, *, forwarded: str | None = None):
    """A login POST as nginx passes it on: from the proxy, the client appended to the header."""
    header = forwarded if forwarded is not None else address
    return Client().post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=header,
    )


def test_a_strangers_failures_do_not_lock_the_real_user_out(org, settings, behind_one_proxy):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(STRANGER, "planner", "wrong").status_code == 200
    assert login(STRANGER, "planner", "wrong").status_code == 429  # the last one locks

    assert login(STRANGER, "planner", "pass").status_code == 429  # the stranger is locked
    response = login(REAL_USER, "planner", "pass")
    assert response.status_code == 302  # the real user, elsewhere, is not


def test_a_lock_is_for_that_username_at_that_address(org, settings, behind_one_proxy):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(STRANGER, "planner", "wrong")

    assert login(STRANGER, "head_a", "pass").status_code == 302


def test_spoofed_forwarded_entries_do_not_escape_the_lock(org, settings, behind_one_proxy):
    """What the client writes into X-Forwarded-For itself is left of what nginx appends."""
    for number in range(settings.AXES_FAILURE_LIMIT):
        login(STRANGER, "planner", "wrong", forwarded=f"10.0.0.{number}, {STRANGER}")

    assert login(STRANGER, "planner", "pass", forwarded=f"10.9.9.9, {STRANGER}").status_code == 429


def test_an_address_failing_for_many_usernames_is_locked_for_all(org, settings, behind_one_proxy):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 20
    for number in range(19):
        assert login(STRANGER, f"guess{number}", "wrong").status_code == 200
    assert login(STRANGER, "chief_a", "pass").status_code == 302  # 19 failures: still open

    assert login(STRANGER, "guess19", "wrong").status_code == 429  # the 20th locks the address
    response = login(STRANGER, "chief_b", "pass")
    assert response.status_code == 429
    assert "ログインを一時停止しています" in response.content.decode()
    assert login(REAL_USER, "chief_b", "pass").status_code == 302


def test_without_trusted_proxies_the_header_is_ignored(org, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for number in range(settings.AXES_FAILURE_LIMIT):
        response = Client().post(
            reverse("login"),
            {"username": "planner", "password": "wrong"},
            REMOTE_ADDR=STRANGER,
            HTTP_X_FORWARDED_FOR=f"10.0.0.{number}",
        )
        assert response.status_code == (429 if number == settings.AXES_FAILURE_LIMIT - 1 else 200)

    response = Client().post(
        reverse("login"),
        {"username": "planner", "password": "pass"},
        REMOTE_ADDR=STRANGER,
        HTTP_X_FORWARDED_FOR=REAL_USER,
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "198.51.100.7", "192.0.2.1"),
        (0, "192.0.2.1", "", "192.0.2.1"),
        (1, PROXY, "198.51.100.7", "198.51.100.7"),
        (1, PROXY, "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        (1, PROXY, " 198.51.100.7 ", "198.51.100.7"),
        (1, PROXY, "", PROXY),  # not through the proxy: the peer
        (1, PROXY, "not-an-address", PROXY),
        (2, PROXY, "1.2.3.4, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (2, PROXY, "198.51.100.7", PROXY),
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(settings, count, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
