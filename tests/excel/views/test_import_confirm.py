"""excel:import_confirm — write the previewed sheet, all or nothing."""

import pytest
from django.core import signing
from django.urls import reverse

from excel import views as excel_views
from goals.models import ChangeLog, GoalSheet
from tests.excel.views.conftest import db_state, rows_for
from tests.excel.workbooks import simple_workbook

pytestmark = pytest.mark.django_db

URL = reverse("excel:import_confirm")


def preview_payload(client, upload, org, content, department=None) -> str:
    response = upload(
        client, content, department=department or org.dept_a, fiscal_year=org.fiscal_year
    )
    assert response.context["plan"].ok, response.context["plan"].problems
    return response.context["payload"]


def test_confirming_writes_the_sheet_and_shows_the_result(org, client_for, upload, good_workbook):
    client = client_for(org.head_a)
    payload = preview_payload(client, upload, org, good_workbook)
    response = client.post(URL, {"payload": payload})
    assert response.status_code == 302
    sheet = GoalSheet.objects.get(pk=org.sheet_a.pk)
    assert response["Location"] == reverse("goals:sheet_detail", args=[sheet.pk])
    assert list(sheet.items.values_list("title", flat=True)) == [
        "実施項目1",
        "実施項目2",
        "実施項目3",
    ]
    assert sheet.version == org.sheet_a.version + 1
    assert ChangeLog.objects.filter(sheet=sheet, action="sheet.imported", user=org.head_a).exists()
    page = client.get(response["Location"])
    assert "の整理表を読み込みました（実施項目 3件）" in page.content.decode()


def test_htmx_confirmation_redirects_the_whole_page(org, client_for, upload, good_workbook):
    client = client_for(org.head_a)
    payload = preview_payload(client, upload, org, good_workbook)
    response = client.post(URL, {"payload": payload}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("goals:sheet_detail", args=[org.sheet_a.pk])


def test_planning_staff_create_unknown_names_in_the_same_transaction(
    org, client_for, upload, categories
):
    rows = rows_for(1)
    rows[0][2], rows[0][6] = "新しい分類", "未来創造課"
    client = client_for(org.planner)
    payload = preview_payload(client, upload, org, simple_workbook(rows), department=org.dept_b)
    # The file is signed by the 市民部長: confirming it for 福祉部 needs the tick.
    assert client.post(URL, {"payload": payload}).status_code == 400
    assert client.post(URL, {"payload": payload, "accept_mismatch": "1"}).status_code == 302
    item = GoalSheet.objects.get(pk=org.sheet_b.pk).items.get()
    assert item.category.name == "新しい分類"
    assert [carrier.section.name for carrier in item.carriers.all()] == ["未来創造課"]
    assert item.sections.get().department == org.dept_b


def test_a_tampered_payload_changes_nothing(org, client_for, upload, good_workbook):
    client = client_for(org.head_a)
    payload = preview_payload(client, upload, org, good_workbook)
    before = db_state()
    response = client.post(URL, {"payload": payload[:-3] + "abc"})
    assert response.status_code == 400
    assert "確認の内容を読み取れませんでした" in response.content.decode()
    assert db_state() == before


def test_an_expired_confirmation_changes_nothing(
    org, client_for, upload, good_workbook, monkeypatch
):
    client = client_for(org.head_a)
    payload = preview_payload(client, upload, org, good_workbook)
    monkeypatch.setattr(excel_views, "PAYLOAD_MAX_AGE", -1)
    before = db_state()
    response = client.post(URL, {"payload": payload})
    assert response.status_code == 400
    assert "有効期限が切れました" in response.content.decode()
    assert db_state() == before


def test_a_change_after_the_preview_is_not_overwritten(org, client_for, upload, good_workbook):
    client = client_for(org.head_a)
    payload = preview_payload(client, upload, org, good_workbook)
    org.sheet_a.version += 1
    org.sheet_a.save(update_fields=["version"])
    before = db_state()
    response = client.post(URL, {"payload": payload})
    assert response.status_code == 409
    assert "確認画面を表示した後に、この整理表が作成または更新されました" in (
        response.content.decode()
    )
    assert db_state() == before


def test_someone_elses_confirmation_is_refused(org, client_for, upload, good_workbook):
    payload = preview_payload(client_for(org.planner), upload, org, good_workbook)
    before = db_state()
    assert client_for(org.head_a).post(URL, {"payload": payload}).status_code == 403
    assert db_state() == before


def _forged(org, user, department, **changes):
    """A payload as the preview would sign it, for a target the user could not preview."""
    payload = {
        "fiscal_year": org.fiscal_year.pk,
        "department": department.pk,
        "existing_version": None,
        "filename": "x.xlsx",
        "created_on": "2026-04-01",
        "revisions": [],
        "signers": [],
        "items": [],
        "achievements": [],
        "new_categories": [],
        "new_sections": [],
        "user": user.pk,
    } | changes
    return signing.dumps(payload, salt=excel_views.PAYLOAD_SALT, compress=True)


def test_another_departments_sheet_is_not_found(org, client_for):
    payload = _forged(org, org.head_a, org.dept_b)
    assert client_for(org.head_a).post(URL, {"payload": payload}).status_code == 404


def test_read_only_user_is_refused(org, client_for):
    payload = _forged(org, org.chief_a, org.dept_a)
    assert client_for(org.chief_a).post(URL, {"payload": payload}).status_code == 403


def test_a_head_may_not_create_categories(org, client_for):
    payload = _forged(org, org.head_a, org.dept_a, new_categories=["新しい分類"])
    before = db_state()
    assert client_for(org.head_a).post(URL, {"payload": payload}).status_code == 403
    assert db_state() == before


def test_wrong_method(org, client_for):
    assert client_for(org.head_a).get(URL).status_code == 405


def test_problems_at_write_time_come_back_as_a_partial_for_htmx(
    org, client_for, upload, good_workbook
):
    client = client_for(org.head_a)
    payload = preview_payload(client, upload, org, good_workbook)
    org.sheet_a.version += 1
    org.sheet_a.save(update_fields=["version"])
    response = client.post(URL, {"payload": payload}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content and "読み込めませんでした" in content
