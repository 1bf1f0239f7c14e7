"""excel:import_preview — read the uploaded file and show what would be written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.models import SheetStatus
from tests import factories
from tests.excel.bad_files import BAD_FILES
from tests.excel.views.conftest import db_state, rows_for
from tests.excel.workbooks import accounting_workbook, simple_workbook

pytestmark = pytest.mark.django_db


def test_preview_shows_the_items_and_writes_nothing(org, client_for, upload, good_workbook):
    before = db_state()
    response = upload(
        client_for(org.head_a), good_workbook, department=org.dept_a, fiscal_year=org.fiscal_year
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "読み込む内容の確認" in content
    assert "実施項目1" in content and "実施項目3" in content
    assert "既存の整理表を置き換えて読み込む" in content  # sheet_a exists, as a draft
    assert 'name="payload"' in content
    plan = response.context["plan"]
    assert plan.ok and len(plan.rows) == 3
    assert db_state() == before


def test_problems_are_listed_by_row_and_column_and_block_the_confirmation(
    org, client_for, upload, categories
):
    rows = rows_for(2)
    rows[1][5] = "13月"
    rows[1][6] = "未来創造課"
    before = db_state()
    response = upload(
        client_for(org.head_a),
        simple_workbook(rows),
        department=org.dept_a,
        fiscal_year=org.fiscal_year,
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert "読み込めない箇所が 2件あります" in content
    assert "6行目 F列（期限）" in content
    assert "「13月」の月が正しくありません" in content
    assert "6行目 G列（共通/課名）" in content
    assert "課「未来創造課」は市民部に登録されていません" in content
    assert 'name="payload"' not in content
    assert "企画・政策担当に登録を依頼してください" in content
    assert "直したファイルを選ぶ" in content  # the form to upload the corrected file
    assert db_state() == before


def test_planning_staff_are_offered_to_create_unknown_names(org, client_for, upload, categories):
    rows = rows_for(1)
    rows[0][2] = "新しい分類"
    rows[0][6] = "未来創造課"
    response = upload(
        client_for(org.planner),
        simple_workbook(rows),
        department=org.dept_a,
        fiscal_year=org.fiscal_year,
    )
    plan = response.context["plan"]
    assert plan.ok
    assert (plan.new_categories, plan.new_sections) == (["新しい分類"], ["未来創造課"])
    assert "読み込むと次のとおり登録します" in response.content.decode()


def test_head_may_not_replace_a_submitted_sheet(org, client_for, upload, good_workbook):
    org.sheet_a.status = SheetStatus.SUBMITTED
    org.sheet_a.save()
    response = upload(
        client_for(org.head_a), good_workbook, department=org.dept_a, fiscal_year=org.fiscal_year
    )
    assert "「提出済み」のため置き換えられません" in response.content.decode()
    planner = upload(
        client_for(org.planner), good_workbook, department=org.dept_a, fiscal_year=org.fiscal_year
    )
    assert planner.context["plan"].ok


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_file_gets_its_message_and_changes_nothing(
    org, client_for, upload, content, filename, message
):
    before = db_state()
    response = upload(
        client_for(org.head_a),
        content,
        department=org.dept_a,
        fiscal_year=org.fiscal_year,
        filename=filename,
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert db_state() == before


def test_file_over_the_limit(org, client_for, upload, settings, good_workbook):
    settings.UPLOAD_MAX_BYTES = 2048
    response = upload(
        client_for(org.head_a), good_workbook, department=org.dept_a, fiscal_year=org.fiscal_year
    )
    assert response.status_code == 422
    assert "ファイルが大きすぎます" in response.content.decode()


def test_upload_far_over_the_limit_is_refused_before_reading(org, client_for, upload, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    before = db_state()
    response = upload(
        client_for(org.head_a),
        b"\x00" * (1024 * 1024 + 4096),
        department=org.dept_a,
        fiscal_year=org.fiscal_year,
    )
    assert response.status_code == 413
    assert "ファイルが大きすぎます" in response.content.decode()
    assert db_state() == before


def test_missing_file_is_asked_for(org, client_for):
    response = client_for(org.head_a).post(
        reverse("excel:import_preview"),
        {"fiscal_year": org.fiscal_year.pk, "department": org.dept_a.pk},
    )
    assert response.status_code == 422
    assert "ファイルを選んでください。" in response.content.decode()


def test_another_departments_sheet_is_not_found(org, client_for, upload, good_workbook):
    response = upload(
        client_for(org.head_b), good_workbook, department=org.dept_a, fiscal_year=org.fiscal_year
    )
    assert response.status_code == 404


def test_read_only_user_is_refused(org, client_for, upload, good_workbook):
    response = upload(
        client_for(org.chief_a), good_workbook, department=org.dept_a, fiscal_year=org.fiscal_year
    )
    assert response.status_code == 403


def test_wrong_method(org, client_for):
    assert client_for(org.head_a).get(reverse("excel:import_preview")).status_code == 405


def test_htmx_gets_the_partial_and_a_plain_post_the_page(org, client_for, upload, good_workbook):
    client = client_for(org.head_a)
    htmx = upload(
        client, good_workbook, department=org.dept_a, fiscal_year=org.fiscal_year, htmx=True
    )
    assert htmx.status_code == 200
    assert "<html" not in htmx.content.decode() and "読み込む内容の確認" in htmx.content.decode()
    plain = upload(client, good_workbook, department=org.dept_a, fiscal_year=org.fiscal_year)
    assert "<html" in plain.content.decode()


def test_htmx_answers_problems_with_200_so_that_they_are_swapped_in(
    org, client_for, upload, categories
):
    rows = rows_for(1)
    rows[0][6] = "未来創造課"
    response = upload(
        client_for(org.head_a),
        simple_workbook(rows),
        department=org.dept_a,
        fiscal_year=org.fiscal_year,
        htmx=True,
    )
    assert response.status_code == 200
    assert "読み込めない箇所" in response.content.decode()


def test_preview_queries_do_not_grow_with_rows(org, client_for, upload, categories):
    client = client_for(org.head_a)

    def count(rows):
        content = simple_workbook(rows_for(rows))
        with CaptureQueriesContext(connection) as queries:
            response = upload(client, content, department=org.dept_a, fiscal_year=org.fiscal_year)
        assert response.context["plan"].ok
        return len(queries)

    assert count(3) == count(40)


def test_the_preview_lists_what_is_not_read_with_address_and_reason(org, client_for, upload):
    for name in ("施政方針", "その他"):
        factories.CategoryFactory(name=name)
    response = upload(
        client_for(org.head_a),
        accounting_workbook(),
        department=org.dept_a,
        fiscal_year=org.fiscal_year,
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "読み込まない内容（27件）" in content
    cells = '<td class="nowrap">H5</td><td>要調整</td><td>読み込まない列（見出し「備考」）</td>'
    assert cells in content
    assert "<td>非表示の列</td>" in content and "<td>取り消し線（見え消し）</td>" in content
    assert "すべてのセルの行き先を見る" in content
