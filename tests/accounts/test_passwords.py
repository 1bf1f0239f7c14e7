"""Changing one's password and resetting it by mail (Django's views, our Japanese pages)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

NEW = "Kokubunji-2026!"


def test_the_login_page_offers_the_reset(client):
    content = client.get(reverse("login")).content.decode()
    assert "パスワードを忘れた場合" in content
    assert reverse("password_reset") in content


def test_the_navigation_offers_the_password_change(client, org):
    client.force_login(org.chief_a)
    content = client.get(reverse("home")).content.decode()
    assert "パスワードの変更" in content and reverse("password_change") in content


def test_changing_ones_password(client, org):
    client.force_login(org.chief_a)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "パスワードの変更" in content and "元のパスワード" in content
    response = client.post(
        reverse("password_change"),
        {"old_password": "pass", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    assert "パスワードを変更しました" in client.get(response.url).content.decode()
    # Still signed in (Django keeps the session), and the new password is the one that works.
    assert client.get(reverse("home")).status_code == 200
    client.logout()
    assert (
        client.post(reverse("login"), {"username": "chief_a", "password": "pass"}).status_code
        == 200
    )
    assert (
        client.post(reverse("login"), {"username": "chief_a", "password": NEW}).status_code == 302
    )


def test_a_wrong_old_password_or_a_weak_new_one_is_said_in_japanese(client, org):
    client.force_login(org.chief_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert "元のパスワードが間違っています" in response.content.decode()
    response = client.post(
        reverse("password_change"),
        {"old_password": "pass", "new_password1": "12345678", "new_password2": "12345678"},
    )
    content = response.content.decode()
    assert "よく使われるパスワードです" in content or "数字しか使われていません" in content


def test_the_password_change_needs_a_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_resetting_a_forgotten_password_by_mail(client, org, mailoutbox):
    org.chief_a.email = "chief@city.example"
    org.chief_a.save()
    page = client.get(reverse("password_reset"))
    assert page.status_code == 200
    assert "パスワードを忘れた場合" in page.content.decode()
    response = client.post(reverse("password_reset"), {"email": "chief@city.example"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert "メールを送りました" in client.get(response.url).content.decode()

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["chief@city.example"]
    assert mail.subject == "【組織目標】パスワードの再設定のご案内"
    assert "市民課 太郎 様" in mail.body and "ユーザー名（職員番号）: chief_a" in mail.body
    link = re.search(r"https?://\S+", mail.body).group(0)

    page = client.get(link, follow=True)
    assert "パスワードの設定" in page.content.decode()
    done = client.post(page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    assert client.get(done.url).status_code == 200
    assert (
        client.post(reverse("login"), {"username": "chief_a", "password": NEW}).status_code == 302
    )


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, org, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@city.example"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


def test_a_broken_link_says_so_in_japanese(client):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))
    assert response.status_code == 200
    assert "このリンクは使えません" in response.content.decode()
