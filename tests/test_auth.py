import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_japanese(client):
    response = client.get(reverse("login"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "ログイン" in content and "ユーザー名" in content and "パスワード" in content
    assert 'lang="ja"' in content


def test_every_page_needs_a_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_wrong_password_gets_a_japanese_message(client, org):
    response = client.post(reverse("login"), {"username": "planner", "password": "wrong"})
    assert response.status_code == 200
    assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()


def test_login_and_logout(client, org):
    response = client.post(reverse("login"), {"username": "planner", "password": "pass"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_htmx_is_served_from_our_static_files(client, org):
    client.force_login(org.planner)
    content = client.get(reverse("home")).content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in content
    assert 'hx-headers=\'{"X-CSRFToken"' in content


def test_login_guessing_is_locked_out(client, org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "planner", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "planner", "password": "pass"})
    assert response.status_code == 429
    assert "ログインを一時停止しています" in response.content.decode()


def test_pages_carry_a_content_security_policy(client, org):
    client.force_login(org.planner)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_an_expired_session_sends_htmx_to_the_login_page(client, org):
    """htmx must not swap the login page into a row: it gets HX-Redirect instead of a 302."""
    url = reverse("goals:item_row", args=[org.sheet_a.pk, org.item_a.pk])
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_an_expired_session_during_an_htmx_save_is_a_401_for_the_in_page_sign_in(client, org):
    """A save must not lose what was typed: 401 and the session-expired event, no redirect."""
    url = reverse("goals:item_edit", args=[org.sheet_a.pk, org.item_a.pk])
    response = client.post(url, {"title": "残す"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert "session-expired" in response["HX-Trigger"]
    assert "HX-Redirect" not in response


def test_signing_in_again_in_the_page_returns_the_new_csrf_token(client, org):
    response = client.post(
        reverse("session_resume"),
        {"username": "head_a", "password": "pass"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert "session-resumed" in response["HX-Trigger"] and "csrf" in response["HX-Trigger"]
    assert client.get(reverse("home")).status_code == 200  # signed in


def test_a_wrong_password_in_the_page_is_the_usual_japanese_refusal(client, org):
    response = client.post(
        reverse("session_resume"), {"username": "head_a", "password": "x"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()


def test_error_pages_say_why_in_japanese_and_hide_djangos_english(client, org):
    client.force_login(org.head_b)
    response = client.get(reverse("goals:sheet_detail", args=[org.sheet_a.pk]))
    assert response.status_code == 404
    assert "整理表が見つかりません。" in response.content.decode()
    response = client.get(reverse("goals:sheet_detail", args=[999999]))
    assert response.status_code == 404
    assert "matches the given query" not in response.content.decode()
