"""Planning staff's accounts page: the list, creating an account by hand, the password link."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.services import account_create

pytestmark = pytest.mark.django_db

User = get_user_model()


def link_in(mail) -> str:
    return re.search(r"https?://\S+", mail.body).group(0)


@pytest.fixture
def planner_client(client, org):
    client.force_login(org.planner)
    return client


def create(client, **data):
    values = {"employee_number": "10001", "full_name": "山田 太郎", "email": "yamada@city.example"}
    return client.post(reverse("accounts:create"), values | data)


def test_the_list_shows_number_name_mail_and_whether_active(planner_client, org):
    account_create(
        employee_number="10001", full_name="山田 太郎", email="y@city.example", user=None
    )
    org.chief_b.is_active = False
    org.chief_b.save()
    response = planner_client.get(reverse("accounts:list"))
    content = response.content.decode()
    assert response.status_code == 200
    for heading in ["職員番号", "氏名", "メールアドレス", "有効"]:
        assert f'<th scope="col">{heading}</th>' in content
    assert "10001" in content and "山田 太郎" in content and "y@city.example" in content
    assert "無効" in content  # chief_b
    assert "（ユーザー名 planner）" in content  # an old account without a number


def test_the_list_is_filtered_in_place_with_htmx(planner_client):
    account_create(employee_number="10001", full_name="山田 太郎", email="", user=None)
    account_create(employee_number="10002", full_name="鈴木 花子", email="", user=None)
    response = planner_client.get(reverse("accounts:list") + "?q=鈴木", HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="account-table">')
    assert "鈴木 花子" in content and "山田 太郎" not in content
    assert "<html" not in content
    # Without htmx the same address is the whole page.
    page = planner_client.get(reverse("accounts:list") + "?q=鈴木").content.decode()
    assert "<html" in page and "鈴木 花子" in page and "山田 太郎" not in page


def test_the_navigation_offers_the_page_to_planning_staff_only(client, org):
    client.force_login(org.planner)
    assert reverse("accounts:list") in client.get(reverse("home")).content.decode()
    client.force_login(org.head_a)
    assert reverse("accounts:list") not in client.get(reverse("home")).content.decode()


def test_creating_an_account_mails_a_link_that_sets_the_password(
    planner_client, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = create(planner_client)
    assert response.status_code == 302
    assert response.url == reverse("accounts:list")
    account = User.objects.get(username="10001")
    assert account.email == "yamada@city.example"
    assert not account.has_usable_password()
    message = planner_client.get(response.url).content.decode()
    assert (
        "アカウントを作成し、パスワードを設定するためのリンクを yamada@city.example に送りました"
        in message
    )

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["yamada@city.example"]
    assert "アカウントを作成しました" in mail.subject
    assert "山田 太郎 様" in mail.body and "ユーザー名（職員番号）: 10001" in mail.body

    # The new person opens the link (signed out) and sets a password.
    client.logout()
    link = link_in(mail)
    assert link.startswith("http://testserver/password/reset/")
    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert "パスワードの設定" in page.content.decode() and "10001" in page.content.decode()
    set_url = page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Kokubunji-2026!", "new_password2": "Kokubunji-2026!"}
    )
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    assert "パスワードを設定しました" in client.get(done.url).content.decode()
    signed_in = client.post(reverse("login"), {"username": "10001", "password": "Kokubunji-2026!"})
    assert signed_in.status_code == 302
    # The link worked once.
    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "このリンクは使えません" in again


def test_errors_come_back_in_japanese_on_the_form(planner_client, mailoutbox):
    account_create(employee_number="10001", full_name="山田 太郎", email="", user=None)
    response = create(planner_client, employee_number="１０００１")
    content = response.content.decode()
    assert response.status_code == 200
    assert "この職員番号はすでに登録されています。" in content
    assert 'value="山田 太郎"' in content  # what was typed stays
    response = create(planner_client, employee_number="10002", email="")
    assert "このフィールドは必須です。" in response.content.decode()
    assert not User.objects.filter(username="10002").exists()
    assert mailoutbox == []


def test_the_link_can_be_sent_again(
    planner_client, org, mailoutbox, django_capture_on_commit_callbacks
):
    account = account_create(
        employee_number="10001", full_name="山田 太郎", email="yamada@city.example", user=None
    )
    url = reverse("accounts:send_password_link", args=[account.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = planner_client.post(url)
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["yamada@city.example"]
    assert (
        "リンクを yamada@city.example に送りました"
        in planner_client.get(reverse("accounts:list")).content.decode()
    )
    # An account without a mail address: said on the page, nothing sent.
    with django_capture_on_commit_callbacks(execute=True):
        planner_client.post(reverse("accounts:send_password_link", args=[org.chief_a.pk]))
    assert len(mailoutbox) == 1
    page = planner_client.get(reverse("accounts:list")).content.decode()
    assert "メールアドレスが登録されていないため送れません。" in page


def test_other_roles_are_refused_in_japanese(client, org):
    client.force_login(org.head_a)
    response = client.post(
        reverse("accounts:create"),
        {"employee_number": "10001", "full_name": "山田", "email": "y@city.example"},
    )
    assert response.status_code == 403
    assert "アカウントの管理は企画・政策担当が行います。" in response.content.decode()
    assert not User.objects.filter(username="10001").exists()


def test_sending_the_link_is_post_only(planner_client, org):
    url = reverse("accounts:send_password_link", args=[org.chief_a.pk])
    assert planner_client.get(url).status_code == 405
    assert (
        planner_client.post(reverse("accounts:send_password_link", args=[999999])).status_code
        == 404
    )


def test_a_mail_server_that_refuses_leaves_the_account_made(
    planner_client, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("accounts.services.send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = create(planner_client)
    assert response.status_code == 302
    assert User.objects.filter(username="10001").exists()
    assert "パスワード設定の案内を yamada@city.example に送れませんでした。" in caplog.text


def test_the_list_reads_a_page_of_accounts_in_a_fixed_number_of_queries(
    planner_client, django_assert_max_num_queries
):
    for n in range(30):
        account_create(employee_number=f"2{n:04}", full_name=f"職員 {n}", email="", user=None)
    with django_assert_max_num_queries(12):
        response = planner_client.get(reverse("accounts:list"))
    assert response.content.decode().count("<tr>") == 1 + 30 + 7
