"""Issue 16, point 12: what a signed-in user is shown is `Cache-Control: private, no-store`,
the admin has its own Content Security Policy, and the admin import shows Japanese errors
without tracebacks."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.templatetags.import_errors import GENERAL, import_error

pytestmark = pytest.mark.django_db

NO_STORE = "private, no-store"


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in policy.split(";")
        if part.strip()
    }


# Cache-Control ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        lambda org: reverse("home"),
        lambda org: reverse("goals:sheet_detail", args=[org.sheet_a.pk]),
        lambda org: reverse("goals:item_row", args=[org.sheet_a.pk, org.item_a.pk]),
        lambda org: reverse("excel:sheet_xlsx", args=[org.sheet_a.pk]),
        lambda org: reverse("admin:index"),
        lambda org: "/no/such/page/",
    ],
    ids=["home", "sheet", "htmx-row", "xlsx-download", "admin", "404"],
)
def test_signed_in_responses_are_private_and_not_stored(org, client_for, address):
    response = client_for(org.admin).get(address(org), headers={"HX-Request": "true"})
    assert response["Cache-Control"] == NO_STORE


def test_a_signed_in_post_is_not_stored_either(org, client_for):
    response = client_for(org.chief_a).post(reverse("logout"))
    assert "no-store" in response["Cache-Control"]


def test_the_login_page_is_not_stored(client):
    """Anonymous, but it carries a CSRF token and the typed user name: Django's never_cache."""
    response = client.get(reverse("login"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_signing_in_answers_no_store(org, client):
    response = client.post(reverse("login"), {"username": "planner", "password": "pass"})
    assert response.status_code == 302
    assert response["Cache-Control"] == NO_STORE


def test_static_files_keep_their_cache_lifetime(org, client_for):
    response = client_for(org.planner).get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_anonymous_redirects_are_left_alone(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "Cache-Control" not in response


# Content Security Policy in the admin -------------------------------------------------------------


def test_the_admin_has_a_content_security_policy(org, client_for):
    response = client_for(org.admin).get(reverse("admin:goals_goalitem_changelist"))
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["script-src"].startswith("'self' 'unsafe-hashes' 'sha256-")
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


def test_the_admin_login_page_has_it_too(client):
    assert "script-src" in directives(client.get(reverse("admin:login")))


def test_the_site_keeps_its_strict_policy(org, client_for):
    policy = directives(client_for(org.planner).get(reverse("home")))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"


def test_the_admin_hash_is_that_of_the_export_pages_handler(org, client_for):
    """If django-import-export changes its inline handler, the hash must change with it."""
    response = client_for(org.admin).get(reverse("admin:goals_category_export"))
    assert response.status_code == 200
    assert 'onchange="onSelectToggleChange(event)"' in response.content.decode()


# The admin import's errors ------------------------------------------------------------------------

ITEM_HEADER = (
    "年度,部,行,番号,実施項目,実施項目を継続,達成水準も継続,計画・方針等の分類,どの水準まで,"
    "達成水準を文章で,どのような方法で,方法を文章で,いつまで,共通,課名,共通項目の確認を担当する課,"
    "指標,現状値,目標値"
)


@pytest.mark.parametrize(
    ("model", "body", "message"),
    [
        ("category", "foo,bar\n1,2\n", "ファイルに必要な列がありません: 分類名。"),
        ("category", "名称\n\n", "インポートできるデータがありません。"),
        (
            "goalitem",
            "年度,部,番号,実施項目\n2026,市民部,1,y\n",
            "列「行」がファイルにありません。",
        ),
        ("goalitem", ITEM_HEADER + "\nabc,市民部,1,1,y" + "," * 14 + "\n", "年度「abc」"),
    ],
    ids=["missing-key-column", "no-data", "missing-column-in-row", "bad-year"],
)
def test_admin_import_errors_are_japanese_without_tracebacks(org, client_for, model, body, message):
    response = client_for(org.admin).post(
        reverse(f"admin:goals_{model}_import"),
        {"format": "0", "import_file": SimpleUploadedFile("取込.csv", body.encode())},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert "Traceback" not in content
    assert "site-packages" not in content and ".py" not in content
    assert "declared in" not in content and "not found in dataset" not in content


class FakeError:
    def __init__(self, error):
        self.error = error
        self.traceback = 'Traceback (most recent call last):\n  File "/srv/app/x.py"'


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (ValueError("「x」は数字で入力してください。"), "「x」は数字で入力してください。"),
        (
            ValidationError(["部が違います。", "年度が違います。"]),
            "部が違います。、年度が違います。",
        ),
        (KeyError("Column '課名' not found in dataset. Available: ['年度']"), "列「課名」"),
        (ValueError("invalid literal for int() with base 10: 'x'"), GENERAL),
        (RuntimeError("部 の Traceback"), GENERAL),
        (ValueError("年度 部 番号"), GENERAL),  # kanji column names alone are not a sentence
    ],
)
def test_import_error_filter(error, shown):
    assert shown in import_error(FakeError(error))
