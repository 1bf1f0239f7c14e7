"""Admin import/export (django-import-export): natural keys, Japanese columns, CSV and XLSX,
the library's dry-run preview, and the same validation and permission rules as the services."""

import io

import pytest
import tablib
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from departments.models import Department, Section
from departments.resources import DepartmentResource, SectionResource
from goals.models import Category, ChangeLog, GoalItem
from goals.resources import CategoryResource, GoalItemResource, SafeCSV, SafeXLSX
from reviews.models import AchievementLevel, ProgressMark, ProgressScale, Review, Stage
from reviews.resources import AchievementLevelResource, ProgressMarkResource, ReviewResource
from tests import factories
from tests.excel.bad_files import macro_workbook
from tests.excel.views.conftest import db_state
from tests.excel.workbooks import to_bytes

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"


def csv_bytes(rows: list[list], encoding="utf-8-sig") -> bytes:
    return "\r\n".join(",".join(str(cell) for cell in row) for row in rows).encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    return to_bytes(wb)


def admin_import(client, model: str, content: bytes, filename: str, file_format: str):
    """The library's two steps: the dry run (returned), then the confirmation (confirm())."""
    app, name = model.split(".")
    response = client.post(
        reverse(f"admin:{app}_{name}_import"),
        {"format": file_format, "import_file": SimpleUploadedFile(filename, content)},
    )

    def confirm():
        return client.post(
            reverse(f"admin:{app}_{name}_process_import"), response.context["confirm_form"].initial
        )

    return response, confirm


# Organisation and vocabulary -------------------------------------------------------------------


def test_sections_from_a_hand_made_shift_jis_csv_with_a_dry_run_first(org, client_for):
    client = client_for(org.admin)
    content = csv_bytes(
        [
            ["部名", "課名", "課長の職名", "課の使命", "表示順", "開始年度", "終了年度"],
            ["市民部", "戸籍住民課", "戸籍住民課長", "", "5", "", ""],
        ],
        encoding="cp932",
    )
    before = db_state()
    preview, confirm = admin_import(client, "departments.section", content, "課.csv", CSV)
    assert preview.status_code == 200
    assert [row.import_type for row in preview.context["result"].rows] == ["new"]
    assert db_state() == before  # the dry run wrote nothing
    assert confirm().status_code == 302
    section = Section.objects.get(name="戸籍住民課")
    assert section.department == org.dept_a and section.display_order == 5
    assert ChangeLog.objects.filter(action="section.imported", user=org.admin).exists()


def test_unknown_department_is_reported_in_japanese_and_nothing_is_offered(org, client_for):
    content = csv_bytes([["部名", "課名"], ["総務部", "人事課"]])
    preview, _ = admin_import(client_for(org.admin), "departments.section", content, "課.csv", CSV)
    assert errors_from(preview.context["result"]) == ["部「総務部」は登録されていません。"]
    assert "confirm_form" not in preview.context


def test_departments_export_by_name_as_csv_and_xlsx(org):
    dataset = DepartmentResource().export()
    assert dataset.headers == ["部名", "部長の職名", "表示順", "開始年度", "終了年度"]
    content = SafeCSV().export_data(dataset)
    assert content.startswith("\ufeff部名,部長の職名".encode())
    ws = load_workbook(io.BytesIO(SafeXLSX().export_data(dataset))).active
    assert [cell.value for cell in ws[1]][:2] == ["部名", "部長の職名"]
    assert {row[0] for row in ws.iter_rows(min_row=2, values_only=True)} == {"市民部", "福祉部"}


def test_model_validation_applies(org, client_for):
    content = csv_bytes(
        [
            ["部名", "部長の職名", "表示順", "開始年度", "終了年度"],
            ["総務部", "総務部長", "3", "2030", "2020"],
        ]
    )
    preview, _ = admin_import(
        client_for(org.admin), "departments.department", content, "部.csv", CSV
    )
    assert "終了年度は開始年度以降にしてください。" in errors_from(preview.context["result"])
    assert not Department.objects.filter(name="総務部").exists()


def test_categories_update_by_name_and_yes_no_in_japanese(org, client_for):
    factories.CategoryFactory(name="施政方針")
    content = xlsx_bytes(
        [["分類名", "表示順", "選択肢に表示"], ["施政方針", 1, "いいえ"], ["市民協働", 9, "はい"]]
    )
    preview, confirm = admin_import(
        client_for(org.admin), "goals.category", content, "分類.xlsx", XLSX
    )
    assert [row.import_type for row in preview.context["result"].rows] == ["update", "new"]
    confirm()
    assert not Category.objects.get(name="施政方針").is_active
    assert Category.objects.get(name="市民協働").display_order == 9


def test_scales_marks_and_levels_by_scale_name(org, client_for):
    client = client_for(org.admin)
    marks = csv_bytes(
        [["尺度名", "記号", "意味", "順番"], ["五段階", "◎", "大きく進んでいる", "0"]]
    )
    _, confirm = admin_import(client, "reviews.progressmark", marks, "記号.csv", CSV)
    confirm()
    assert ProgressMark.objects.get(scale__name="五段階").symbol == "◎"
    levels = csv_bytes(
        [["尺度名", "記号", "語句", "順番"], ["国分寺市 達成状況", "", "一部達成した", "9"]]
    )
    _, confirm = admin_import(client, "reviews.achievementlevel", levels, "段階.csv", CSV)
    confirm()
    assert AchievementLevel.objects.filter(
        label="一部達成した", scale=org.fiscal_year.achievement_scale
    ).exists()
    assert ProgressScale.objects.filter(name="五段階").exists()


def test_only_planning_staff_and_administrators_import_the_organisation(org, client_for):
    head = org.head_a
    head.is_staff = True
    head.save()
    head.user_permissions.set(Permission.objects.filter(codename__endswith="_section"))
    assert client_for(head).get(reverse("admin:departments_section_import")).status_code == 403
    planner = org.planner
    planner.is_staff = True
    planner.save()
    planner.user_permissions.set(Permission.objects.filter(codename__endswith="_section"))
    assert client_for(planner).get(reverse("admin:departments_section_import")).status_code == 200


def test_resource_refuses_a_user_without_city_rights(org):
    dataset = tablib.Dataset(
        ["総務部", "総務部長", 1, None, None], headers=DepartmentResource().export().headers
    )
    result = DepartmentResource(user=org.head_a).import_data(dataset, dry_run=False)
    assert result.has_errors()
    assert "この操作は企画・政策担当が行います。" in str(result.base_errors[0].error)
    assert not Department.objects.filter(name="総務部").exists()


# Goal items ------------------------------------------------------------------------------------


def item_rows(org, **changes):
    dataset = GoalItemResource().export(queryset=GoalItem.objects.filter(pk=org.item_a.pk))
    row = dict(zip(dataset.headers, dataset[0], strict=True)) | changes
    return tablib.Dataset(list(row.values()), headers=list(row))


def test_items_are_exported_by_year_department_and_row(org):
    dataset = GoalItemResource().export(queryset=GoalItem.objects.filter(pk=org.item_a.pk))
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert (row["年度"], row["部"], row["行"], row["課名"]) == (
        org.fiscal_year.year,
        "市民部",
        1,
        "市民課",
    )
    assert row["共通"] == "いいえ"


def test_item_updated_by_its_natural_key_with_sections_by_name(org):
    dataset = item_rows(org, 実施項目="窓口の改善", 課名="市民課、経済課", いつまで="１２月")
    result = GoalItemResource(user=org.head_a).import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), errors_from(result)
    item = GoalItem.objects.get(pk=org.item_a.pk)
    assert item.title == "窓口の改善"
    assert item.deadline == "12月" and item.deadline_kind == "month"
    assert [carrier.section.name for carrier in item.carriers.all()] == ["市民課", "経済課"]
    assert ChangeLog.objects.filter(sheet=org.sheet_a, action="goalitem.imported").exists()


def test_item_without_row_is_added_at_the_end(org):
    dataset = item_rows(org, 行="", 実施項目="新しい項目", 番号=2)
    GoalItemResource(user=org.head_a).import_data(dataset, dry_run=False)
    assert (
        list(org.sheet_a.items.order_by("position").values_list("title", flat=True))[-1]
        == "新しい項目"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"課名": "未来創造課"}, "課「未来創造課」は市民部に登録されていません。"),
        ({"計画・方針等の分類": "新分類"}, "分類「新分類」は登録されていません。"),
        ({"いつまで": "13月"}, "「13月」の月が正しくありません。1月から12月で入力してください。"),
        ({"実施項目": ""}, "実施項目を入力してください。"),
        ({"部": "総務部"}, "令和8年度の総務部の整理表がありません。先に整理表を作成してください。"),
        ({"共通": "たぶん"}, "「たぶん」は「はい」か「いいえ」で入力してください。"),
    ],
)
def test_item_rows_are_validated_like_the_services(org, changes, message):
    before = db_state()
    result = GoalItemResource(user=org.head_a).import_data(item_rows(org, **changes), dry_run=False)
    assert message in errors_from(result)
    assert db_state() == before


def test_another_departments_items_cannot_be_written(org):
    before = db_state()
    result = GoalItemResource(user=org.head_b).import_data(item_rows(org), dry_run=False)
    assert "令和8年度 市民部の整理表を編集する権限がありません。" in errors_from(result)
    result = GoalItemResource(user=org.chief_a).import_data(
        item_rows(org, 実施項目="変更"), dry_run=False
    )
    assert "令和8年度 市民部の整理表を編集する権限がありません。" in errors_from(result)
    assert db_state() == before


def test_a_submitted_sheet_is_frozen_for_its_head(org):
    org.sheet_a.status = "submitted"
    org.sheet_a.save()
    result = GoalItemResource(user=org.head_a).import_data(
        item_rows(org, 実施項目="変更"), dry_run=False
    )
    assert "令和8年度 市民部の整理表は「提出済み」のため変更できません。" in errors_from(result)


def test_admin_item_import_goes_through_the_item_services(org):
    """Regression (issue 10): the admin's import wrote GoalItem directly, so moving an item from
    市民課 to 経済課 left 市民課's submitted review orphaned and the item's version at 1 (an
    editor form opened before would then overwrite the import without a conflict)."""
    factories.ReviewFactory(
        item=org.item_a, section=org.section_a1, stage=Stage.MID_YEAR, status="submitted"
    )
    before = db_state()

    result = GoalItemResource(user=org.head_a).import_data(
        item_rows(org, 課名="経済課"), dry_run=False
    )

    assert "市民課はこの項目の中間確認を記入済みのため、課名から外せません。" in errors_from(result)
    assert db_state() == before
    assert GoalItem.objects.get(pk=org.item_a.pk).version == org.item_a.version


def test_an_admin_item_import_bumps_the_version_and_is_in_the_history(org):
    version = org.item_a.version
    result = GoalItemResource(user=org.head_a).import_data(
        item_rows(org, 実施項目="読み込んだ実施項目"), dry_run=False
    )
    assert not result.has_errors() and not result.has_validation_errors(), errors_from(result)
    item = GoalItem.objects.get(pk=org.item_a.pk)
    assert item.version == version + 1
    assert ChangeLog.objects.filter(target_id=item.pk, action="item.updated").exists()


def test_items_csv_keeps_formula_like_text_inert_and_exact(org, client_for):
    GoalItem.objects.filter(pk=org.item_a.pk).update(title='=HYPERLINK("x")', target="-5%")
    content = SafeCSV().export_data(
        GoalItemResource().export(queryset=GoalItem.objects.filter(pk=org.item_a.pk))
    )
    assert '\'=HYPERLINK(""x"")' in content.decode("utf-8-sig")
    assert ",'-5%" in content.decode("utf-8-sig")
    dataset = SafeCSV().create_dataset(content)
    assert dataset.dict[0]["実施項目"] == '=HYPERLINK("x")'
    preview, _ = admin_import(client_for(org.admin), "goals.goalitem", content, "items.csv", CSV)
    assert [row.import_type for row in preview.context["result"].rows] == ["skip"]


def test_items_xlsx_export_through_the_admin(org, client_for):
    client = client_for(org.admin)
    form = client.get(reverse("admin:goals_goalitem_export")).context["form"]
    data = {name: "on" for name in form.fields if name.startswith("goalitemresource_")}
    response = client.post(
        reverse("admin:goals_goalitem_export"), data | {"format": XLSX, "resource": "0"}
    )
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in ws[1]][:3] == ["年度", "部", "行"]
    assert ws.max_row == 3  # both departments' items for an administrator


def test_a_macro_file_is_refused_by_the_admin_import(org, client_for):
    response = client_for(org.admin).post(
        reverse("admin:goals_category_import"),
        {"format": XLSX, "import_file": SimpleUploadedFile("m.xlsx", macro_workbook())},
    )
    assert "マクロを含むファイル（.xlsm）は読み込めません" in response.content.decode()


# Reviews ---------------------------------------------------------------------------------------


def review_rows(org, **values):
    row = {
        "年度": org.fiscal_year.year,
        "部": "市民部",
        "行": 1,
        "課": "市民課",
        "段階": "中間確認",
        "状態": "作成中",
        "進捗状況": "○",
        "上半期の状況や評価": "順調です。",
    } | values
    return tablib.Dataset(list(row.values()), headers=list(row))


def test_section_chief_imports_their_review_by_natural_keys(org):
    result = ReviewResource(user=org.chief_a).import_data(review_rows(org), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), errors_from(result)
    review = Review.objects.get(item=org.item_a, section=org.section_a1, stage=Stage.MID_YEAR)
    assert review.progress_mark.symbol == "○" and review.first_half_status == "順調です。"


@pytest.mark.parametrize(
    ("persona", "values", "message"),
    [
        ("chief_a2", {}, "の確認を記入する権限がありません。"),
        ("chief_b", {}, "令和8年度の市民部の整理表に1行目の実施項目がありません。"),
        ("chief_a", {"状態": "確認済み"}, "確認済み・差し戻しにできるのは部長です。"),
        ("chief_a", {"進捗状況": "☆"}, "進捗状況「☆」はこの年度の尺度にありません。"),
        ("chief_a", {"段階": "最終"}, "段階「最終」は選べません（中間確認、年度末確認）。"),
        ("chief_a", {"課": "経済課"}, "この課はこの実施項目を担当していません。"),
    ],
)
def test_review_rows_follow_the_review_rules(org, persona, values, message):
    before = db_state()
    result = ReviewResource(user=org.persona(persona)).import_data(
        review_rows(org, **values), dry_run=False
    )
    assert any(message in error for error in errors_from(result)), errors_from(result)
    assert db_state() == before


def test_reviews_export_by_name(org):
    factories.ReviewFactory(item=org.item_a, section=org.section_a1)
    dataset = ReviewResource().export()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert (row["年度"], row["部"], row["行"], row["課"], row["段階"], row["状態"]) == (
        org.fiscal_year.year,
        "市民部",
        1,
        "市民課",
        "中間確認",
        "作成中",
    )


def errors_from(result) -> list[str]:
    messages = [str(error.error) for error in result.base_errors]
    for row in result.invalid_rows:
        messages += [m for ms in row.error_dict.values() for m in ms]
    for _row_number, errors in result.row_errors():
        messages += [str(error.error) for error in errors]
    return messages


def test_resources_for_every_listed_model_exist():
    for resource in (
        DepartmentResource,
        SectionResource,
        CategoryResource,
        ProgressMarkResource,
        AchievementLevelResource,
        GoalItemResource,
        ReviewResource,
    ):
        assert resource().export().headers
