import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_and_sign_in(page, login, org):
    page.goto(f"{page.live_server_url}/")
    assert "/login/" in page.url
    assert page.get_by_role("heading", name="ログイン").is_visible()
    page.get_by_label("ユーザー名").fill("planner")
    page.get_by_label("パスワード").fill("wrong")
    page.get_by_role("button", name="ログイン").click()
    assert page.get_by_text("正しいユーザー名とパスワードを入力してください").is_visible()
    login("planner")
    assert page.get_by_text("ようこそ").is_visible()
    # htmx is loaded from our own static files
    assert page.evaluate("typeof window.htmx") == "object"
