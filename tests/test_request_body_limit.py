"""Issue 16, point 9: over-size request bodies are refused from Content-Length, unread.

An anonymous `POST /login/` with a 1,000 MB part once wrote 987 MB to the temp directory: CSRF
reads `request.POST`, and Django spools a large file part to disk while parsing it.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def parsed(monkeypatch, settings, tmp_path):
    """Records every multipart parse and every upload spooled to disk (in `tmp_path`)."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    seen = {"parses": 0, "spooled": 0, "dir": tmp_path}
    parse = MultiPartParser.parse
    new_file = TemporaryFileUploadHandler.new_file

    def counting_parse(self, *args, **kwargs):
        seen["parses"] += 1
        return parse(self, *args, **kwargs)

    def counting_new_file(self, *args, **kwargs):
        seen["spooled"] += 1
        return new_file(self, *args, **kwargs)

    monkeypatch.setattr(MultiPartParser, "parse", counting_parse)
    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", counting_new_file)
    return seen


def test_an_anonymous_login_post_declaring_a_huge_body_is_refused_unread(parsed):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/login/",
        {"username": "x", "password": "y", "file": SimpleUploadedFile("a.bin", b"a" * 1024)},
        CONTENT_LENGTH=str(1000 * MB),
    )
    assert response.status_code == 413
    content = response.content.decode()
    assert "送信された内容が大きすぎます（上限は 2MB です）" in content
    assert '<html lang="ja">' in content
    assert parsed["parses"] == 0
    assert list(parsed["dir"].iterdir()) == []


def test_an_honest_three_megabyte_login_post_is_refused_before_the_temp_directory(parsed):
    response = Client(enforce_csrf_checks=True).post(
        "/login/",
        {"username": "x", "password": "y", "file": SimpleUploadedFile("a.bin", b"a" * 3 * MB)},
    )
    assert response.status_code == 413
    assert parsed["parses"] == parsed["spooled"] == 0
    assert list(parsed["dir"].iterdir()) == []


def test_a_small_login_post_is_parsed_as_usual(parsed, org):
    response = Client().post("/login/", {"username": "chief_a", "password": "wrong"})
    assert response.status_code == 200
    assert parsed["parses"] == 1


def test_the_excel_import_takes_the_upload_limit(parsed, org, client_for, settings):
    """A 3 MB file reaches the import view (which says what is wrong with it), and is the one
    place where a large part is spooled to disk: the counters above do see it."""
    response = client_for(org.head_a).post(
        reverse("excel:import_preview"),
        {
            "fiscal_year": org.fiscal_year.pk,
            "department": org.dept_a.pk,
            "file": SimpleUploadedFile("整理表.xlsx", b"\x00" * 3 * MB),
        },
    )
    assert response.status_code == 422
    assert parsed["spooled"] == 1


def test_the_excel_import_refuses_above_the_upload_limit(parsed, org, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 3 * MB
    response = client_for(org.head_a).post(
        reverse("excel:import_preview"),
        {
            "fiscal_year": org.fiscal_year.pk,
            "department": org.dept_a.pk,
            "file": SimpleUploadedFile("整理表.xlsx", b"\x00" * (4 * MB + 1)),
        },
    )
    assert response.status_code == 413
    assert "ファイルが大きすぎます。3MB 以下のファイルにしてください。" in response.content.decode()
    assert parsed["parses"] == 0


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/admin/goals/goalitem/import/", True),
        ("/admin/goals/goalitem/process_import/", True),
        ("/admin/goals/category/import/", True),
        ("/admin/goals/goalitem/", False),
        ("/admin/login/", False),
        ("/sheets/", False),
        ("/no/such/page/", False),
    ],
)
def test_only_the_import_urls_take_large_bodies(parsed, org, client_for, path, allowed):
    body = {"import_file": SimpleUploadedFile("項目.csv", b"a" * 5 * MB)}
    response = client_for(org.admin).post(path, body)
    assert (response.status_code == 413) is not allowed


def test_the_limit_is_a_setting(parsed, settings):
    settings.REQUEST_BODY_MAX_BYTES = 4096
    response = Client().post("/login/", {"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "上限は 1MB" in response.content.decode()  # rounded up to a whole megabyte


def test_a_chunked_body_without_length_is_refused(parsed):
    response = Client().generic(
        "POST",
        "/login/",
        b"username=x&password=y",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 411
    assert "長さが分からない" in response.content.decode()


def test_a_malformed_length_is_refused(parsed):
    response = Client().post("/login/", {"username": "x"}, CONTENT_LENGTH="-5")
    assert response.status_code == 400


def test_htmx_gets_the_message_alone(parsed, org, client_for):
    response = client_for(org.chief_a).post(
        "/sheets/", {}, CONTENT_LENGTH=str(3 * MB), headers={"HX-Request": "true"}
    )
    assert response.status_code == 413
    content = response.content.decode()
    assert "<html" not in content
    assert 'role="alert"' in content and "大きすぎます" in content
