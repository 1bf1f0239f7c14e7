"""Signing in with the directory, through the real login page, against a real slapd."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.directory import directory_authenticate, directory_config
from accounts.services import account_create
from tests import factories
from tests.accounts.slapd import USER_FILTER

pytestmark = pytest.mark.django_db

User = get_user_model()
WRONG = "正しいユーザー名とパスワードを入力してください"


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in_user(client):
    response = client.get(reverse("home"))
    return response.wsgi_request.user if response.status_code == 200 else None


def test_a_roster_account_signs_in_with_the_directory_and_is_linked_by_employee_number(
    client, directory
):
    """The roster made 10001 (username = 職員番号); 山田 signs in as `yamada`, their
    directory name, with their directory password, and is that account."""
    roster = account_create(employee_number="10001", full_name="山田 太郎", email="", user=None)
    response = sign_in(client, "yamada", "yamada-pass")
    assert response.status_code == 302
    assert response.url == reverse("home")
    user = signed_in_user(client)
    assert user.pk == roster.pk
    assert user.username == "10001"
    roster.refresh_from_db()
    assert (roster.last_name, roster.first_name) == ("山田", "太郎")
    assert roster.email == "yamada@city.example"  # copied from the directory
    assert User.objects.count() == 1
    assert not roster.has_usable_password()  # the directory keeps the password


def test_first_directory_sign_in_creates_the_account_with_its_employee_number(client, directory):
    assert sign_in(client, "suzuki", "suzuki-pass").status_code == 302
    user = signed_in_user(client)
    assert user.username == "10002"
    assert user.staff_profile.employee_number == "10002"
    assert (user.last_name, user.first_name, user.email) == ("鈴木", "花子", "suzuki@city.example")
    # Signing in again finds the same account.
    client.logout()
    assert sign_in(client, "suzuki", "suzuki-pass").status_code == 302
    assert User.objects.filter(username="10002").count() == 1


def test_an_account_named_by_its_number_without_a_profile_is_linked(client, directory):
    old = factories.UserFactory(username="10001", last_name="旧", first_name="")
    assert sign_in(client, "yamada", "yamada-pass").status_code == 302
    assert signed_in_user(client).pk == old.pk
    old.refresh_from_db()
    assert old.staff_profile.employee_number == "10001"
    assert old.last_name == "山田"


def test_a_wrong_directory_password_fails_with_the_usual_japanese_message(client, directory):
    account_create(employee_number="10001", full_name="山田 太郎", email="", user=None)
    response = sign_in(client, "yamada", "wrong-pass")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert signed_in_user(client) is None


def test_a_disabled_directory_account_cannot_sign_in(client, directory, slapd_server):
    response = sign_in(client, "tanaka", "tanaka-pass")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert not User.objects.filter(username="10003").exists()
    # It is the filter that leaves the disabled entry out: without it the password is right.
    without_filter = directory_config(slapd_server.settings(LDAP_USER_FILTER=""))
    assert directory_authenticate(without_filter, username="tanaka", password="tanaka-pass")
    with_filter = directory_config(slapd_server.settings())
    assert with_filter.user_filter == USER_FILTER
    assert not directory_authenticate(with_filter, username="tanaka", password="tanaka-pass")


def test_an_inactive_local_account_cannot_sign_in_through_the_directory(client, directory):
    account = account_create(employee_number="10001", full_name="山田 太郎", email="", user=None)
    account.is_active = False
    account.save(update_fields=["is_active"])
    response = sign_in(client, "yamada", "yamada-pass")
    assert response.status_code == 200
    assert WRONG in response.content.decode()


def test_a_directory_entry_without_employee_number_is_refused(client, directory):
    response = sign_in(client, "sato", "sato-pass")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert User.objects.count() == 0


def test_the_lockout_still_applies_to_directory_sign_in(client, directory, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "yamada", "wrong-pass")
    response = sign_in(client, "yamada", "yamada-pass")
    assert response.status_code == 429
    assert "ログインを一時停止しています" in response.content.decode()
    assert signed_in_user(client) is None


def test_a_local_account_still_signs_in_beside_the_directory(client, directory, org):
    response = sign_in(client, "planner", "pass")
    assert response.status_code == 302
    assert signed_in_user(client).pk == org.planner.pk


def test_a_filter_character_in_the_name_matches_nobody(client, directory):
    for name in ["*", "yama*", "yamada)(uid=*", "*)(|(uid=*"]:
        response = sign_in(client, name, "yamada-pass")
        assert response.status_code == 200, name
        assert WRONG in response.content.decode()
    assert User.objects.count() == 0


def test_the_service_account_is_what_searches(client, settings, slapd_server):
    """Anonymous users may not search this directory: without the bind DN nobody is found."""
    settings.LDAP_SETTINGS = slapd_server.settings(LDAP_BIND_DN="", LDAP_BIND_PASSWORD="")
    response = sign_in(client, "yamada", "yamada-pass")
    assert response.status_code == 200
    assert WRONG in response.content.decode()


def test_a_directory_that_does_not_answer_leaves_local_accounts_working(client, settings, org):
    settings.LDAP_SETTINGS = {
        "LDAP_SERVER_URI": "ldap://127.0.0.1:9",  # nothing listens on the discard port
        "LDAP_USER_SEARCH_BASE": "ou=people,dc=city,dc=example",
        "LDAP_TIMEOUT": "2",
    }
    response = sign_in(client, "yamada", "yamada-pass")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    client.post(reverse("logout"))
    assert sign_in(client, "planner", "pass").status_code == 302


def test_the_next_server_is_tried_when_the_first_does_not_answer(client, settings, slapd_server):
    settings.LDAP_SETTINGS = slapd_server.settings(
        LDAP_SERVER_URI=f"ldap://127.0.0.1:9, {slapd_server.uri}", LDAP_TIMEOUT="2"
    )
    assert sign_in(client, "suzuki", "suzuki-pass").status_code == 302


def test_the_full_name_can_come_from_one_attribute(client, settings, slapd_server):
    settings.LDAP_SETTINGS = slapd_server.settings(
        LDAP_FULL_NAME_ATTR="displayName", LDAP_LAST_NAME_ATTR="", LDAP_FIRST_NAME_ATTR=""
    )
    assert sign_in(client, "suzuki", "suzuki-pass").status_code == 302
    user = signed_in_user(client)
    assert (user.last_name, user.first_name) == ("鈴木", "花子")


def test_start_tls_with_the_citys_ca(client, settings, slapd_server):
    settings.LDAP_SETTINGS = slapd_server.settings(
        LDAP_SERVER_URI=f"ldap://localhost:{slapd_server.port}",
        LDAP_START_TLS="true",
        LDAP_CA_FILE=slapd_server.ca_file,
    )
    assert sign_in(client, "suzuki", "suzuki-pass").status_code == 302


def test_ldaps_with_the_citys_ca(client, settings, slapd_server):
    settings.LDAP_SETTINGS = slapd_server.settings(
        LDAP_SERVER_URI=f"ldaps://localhost:{slapd_server.tls_port}",
        LDAP_CA_FILE=slapd_server.ca_file,
    )
    assert sign_in(client, "suzuki", "suzuki-pass").status_code == 302


@pytest.mark.parametrize("scheme", ["start_tls", "ldaps"])
def test_a_certificate_that_is_not_trusted_is_refused(
    client, settings, slapd_server, scheme, caplog
):
    """Without the city's CA the server's certificate is not trusted: no sign-in (and the
    password is never sent)."""
    uri = (
        f"ldap://localhost:{slapd_server.port}"
        if scheme == "start_tls"
        else f"ldaps://localhost:{slapd_server.tls_port}"
    )
    settings.LDAP_SETTINGS = slapd_server.settings(
        LDAP_SERVER_URI=uri, LDAP_START_TLS=str(scheme == "start_tls"), LDAP_CA_FILE=""
    )
    response = sign_in(client, "suzuki", "suzuki-pass")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text


def test_a_certificate_for_another_name_is_refused(client, settings, slapd_server, caplog):
    """The certificate names localhost only: the same server reached as 127.0.0.1 is refused."""
    settings.LDAP_SETTINGS = slapd_server.settings(
        LDAP_SERVER_URI=f"ldaps://127.0.0.1:{slapd_server.tls_port}",
        LDAP_CA_FILE=slapd_server.ca_file,
    )
    response = sign_in(client, "suzuki", "suzuki-pass")
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert "doesn't match any name" in caplog.text


def test_directory_check_shows_what_the_sign_in_would_read(directory):
    account_create(employee_number="10001", full_name="山田 太郎", email="", user=None)
    out = io.StringIO()
    call_command("directory_check", "yamada", stdout=out)
    text = out.getvalue()
    assert "項目: uid=yamada,ou=people,dc=city,dc=example" in text
    assert "職員番号: 10001" in text and "氏名: 山田 太郎" in text
    assert "メール: yamada@city.example" in text
    assert "アカウント: 10001" in text
    call_command("directory_check", "suzuki", stdout=(out := io.StringIO()))
    assert "まだありません" in out.getvalue()
    with pytest.raises(CommandError, match="見つかりません"):
        call_command("directory_check", "tanaka")  # disabled: left out by the filter


def test_directory_check_says_when_the_directory_is_off_or_down(settings):
    settings.LDAP_SETTINGS = {}
    with pytest.raises(CommandError, match="LDAP_SERVER_URI"):
        call_command("directory_check", "yamada")
    settings.LDAP_SETTINGS = {
        "LDAP_SERVER_URI": "ldap://127.0.0.1:9",
        "LDAP_USER_SEARCH_BASE": "dc=city,dc=example",
        "LDAP_TIMEOUT": "2",
    }
    with pytest.raises(CommandError, match="接続できません"):
        call_command("directory_check", "yamada")
