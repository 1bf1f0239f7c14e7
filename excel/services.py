"""Writing an imported workbook: the sheet, the names it brings, its 達成状況 column."""

from django.db import transaction

from departments.models import Department
from excel.models import ColumnMapping
from goals.models import Category, FiscalYear, GoalSheet
from goals.services import (
    SheetData,
    SheetImportError,
    category_create,
    changelog_record,
    section_create,
    sheet_import,
)
from reviews.services import reviews_import_achievement_lines


@transaction.atomic
def sheet_import_with_vocabulary(
    *,
    fiscal_year: FiscalYear,
    department: Department,
    data: SheetData,
    achievements: dict[int, list[tuple[str, str]]] | None = None,
    new_categories: list[str] = (),
    new_sections: list[str] = (),
    replace: bool = False,
    allow_frozen: bool = True,
    expected_version: int | None = None,
    check_version: bool = False,
    user=None,
) -> GoalSheet:
    """An imported sheet, all or nothing: missing categories and sections are created, the
    sheet is written through `sheet_import`, and a 達成状況 column becomes confirmed year-end
    reviews.

    `check_version`: the sheet must still be as the preview saw it (`expected_version`, None for
    "no sheet yet"), so that a confirmation never overwrites a change made in between.
    `allow_frozen`: whether a submitted or accepted sheet may be replaced.
    """
    existing = (
        GoalSheet.objects.select_for_update()
        .filter(fiscal_year=fiscal_year, department=department)
        .first()
    )
    if check_version and (existing.version if existing else None) != expected_version:
        raise SheetImportError(
            [
                "確認画面を表示した後に、この整理表が作成または更新されました。"
                "もう一度ファイルを選んで確認してください。"
            ]
        )
    if existing and replace and not allow_frozen and not existing.is_editable:
        raise SheetImportError(
            [
                f"整理表は「{existing.get_status_display()}」のため置き換えられません。"
                "差し戻された後に読み込んでください。"
            ]
        )
    known_categories = set(Category.objects.values_list("name", flat=True))
    for name in new_categories:
        if name not in known_categories:
            category_create(name=name, user=user)
    known_sections = set(department.sections.values_list("name", flat=True))
    for name in new_sections:
        if name not in known_sections:
            section_create(department=department, name=name, user=user)
    sheet = sheet_import(
        fiscal_year=fiscal_year, department=department, data=data, replace=replace, user=user
    )
    if achievements:
        reviews_import_achievement_lines(sheet=sheet, achievements=achievements, user=user)
    return sheet


@transaction.atomic
def column_mapping_remember(*, department: Department, chosen: dict[str, str], user=None):
    """Remember a department's column choices (heading text → field) for its next import."""
    if not chosen:
        return None
    mapping, _ = ColumnMapping.objects.select_for_update().get_or_create(department=department)
    before = dict(mapping.headings)
    mapping.headings = before | chosen
    if mapping.headings == before:
        return mapping
    mapping.full_clean()
    mapping.save()
    changelog_record(
        sheet=None,
        target=mapping,
        action="excel.mapping_remembered",
        user=user,
        changes={"列の対応": [before, mapping.headings]},
    )
    return mapping
