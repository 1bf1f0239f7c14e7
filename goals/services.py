"""Writes to sheets and items. Views, commands and imports call these, never the ORM directly."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from departments.models import Department, Section
from goals import text
from goals.models import (
    Category,
    ChangeLog,
    FiscalYear,
    GoalItem,
    GoalItemSection,
    GoalSheet,
    SheetRevision,
    SheetSigner,
    SheetStatus,
)

# History -----------------------------------------------------------------------------------


def changelog_record(
    *,
    sheet: GoalSheet | None,
    target,
    action: str,
    user=None,
    changes: dict[str, Any] | None = None,
) -> ChangeLog:
    """Record one change: `changes` maps a field's label to [before, after] (or a note)."""
    return ChangeLog.objects.create(
        sheet=sheet,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=target.pk,
        target_repr=str(target)[:200],
        action=action,
        user=user if user is not None and user.is_authenticated else None,
        changes=changes or {},
    )


# Importing a whole sheet (demo data, Excel) -------------------------------------------------


@dataclass
class SignerData:
    title: str
    name: str


@dataclass
class ItemData:
    number: int
    title: str = ""
    continues_title: bool = False
    continues_achievement: bool = False
    category: str = ""
    achievement: list[str] = field(default_factory=list)
    achievement_as_prose: bool = False
    method: list[str] = field(default_factory=list)
    method_as_prose: bool = False
    deadline: str = ""
    common: bool = False
    sections: list[str] = field(default_factory=list)
    indicator: str = ""
    baseline: str = ""
    target: str = ""
    # 達成状況 as printed on a year-end sheet; turned into confirmed year-end reviews.
    achievement_status: str = ""


@dataclass
class SheetData:
    created_on: datetime.date
    revisions: list[datetime.date] = field(default_factory=list)
    signers: list[SignerData] = field(default_factory=list)
    items: list[ItemData] = field(default_factory=list)


class SheetImportError(Exception):
    """The data cannot become a sheet; `problems` lists why, in Japanese, one per line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _resolve_names(data: SheetData, department: Department, fiscal_year: FiscalYear):
    categories = {category.name: category for category in Category.objects.all()}
    sections = {section.name: section for section in Section.objects.filter(department=department)}
    problems = []
    for index, item in enumerate(data.items, start=1):
        if item.category and item.category not in categories:
            problems.append(f"{index}行目: 分類「{item.category}」が登録されていません。")
        for name in item.sections:
            if name not in sections:
                problems.append(
                    f"{index}行目: 課「{name}」は{department.name}に登録されていません。"
                )
            elif not sections[name].is_active_in(fiscal_year.year):
                problems.append(f"{index}行目: 課「{name}」は{fiscal_year.label}にはありません。")
    return categories, sections, problems


@transaction.atomic
def sheet_import(
    *,
    fiscal_year: FiscalYear,
    department: Department,
    data: SheetData,
    status: str = SheetStatus.DRAFT,
    replace: bool = False,
    user=None,
) -> GoalSheet:
    """Create a department's sheet for a year from data read elsewhere, in one transaction.

    Categories and sections must exist. With `replace`, an existing sheet's content (items,
    reviews, signers, revisions) is replaced; otherwise an existing sheet is an error.
    """
    categories, sections, problems = _resolve_names(data, department, fiscal_year)
    if data.items and data.items[0].continues_title:
        problems.append("1行目: 最初の項目は上の行から継続できません。")
    existing = GoalSheet.objects.filter(fiscal_year=fiscal_year, department=department).first()
    if existing and not replace:
        problems.append(f"{fiscal_year.label}の{department.name}の整理表は既にあります。")
    if problems:
        raise SheetImportError(problems)

    if existing:
        existing.items.all().delete()
        existing.signers.all().delete()
        existing.revisions.all().delete()
        sheet = existing
        sheet.created_on = data.created_on
        sheet.status = status
        sheet.version += 1
        sheet.save(update_fields=["created_on", "status", "version", "updated_at"])
    else:
        sheet = GoalSheet(
            fiscal_year=fiscal_year,
            department=department,
            created_on=data.created_on,
            status=status,
        )
        sheet.full_clean()
        sheet.save()

    SheetSigner.objects.bulk_create(
        SheetSigner(sheet=sheet, position=position, title=signer.title, name=signer.name)
        for position, signer in enumerate(data.signers)
    )
    SheetRevision.objects.bulk_create(
        SheetRevision(sheet=sheet, revised_on=day) for day in sorted(set(data.revisions))
    )
    problems = []
    items = []
    for position, item_data in enumerate(data.items):
        item = GoalItem(
            sheet=sheet,
            position=position,
            number=item_data.number,
            title=item_data.title,
            continues_title=item_data.continues_title,
            continues_achievement=item_data.continues_achievement,
            category=categories.get(item_data.category),
            achievement=text.join_bullets(item_data.achievement),
            achievement_as_prose=item_data.achievement_as_prose,
            method=text.join_bullets(item_data.method),
            method_as_prose=item_data.method_as_prose,
            deadline=item_data.deadline,
            is_common=item_data.common,
            indicator=item_data.indicator,
            baseline=item_data.baseline,
            target=item_data.target,
        )
        try:
            # The sheet and category were resolved above; the model's own rules still apply.
            item.full_clean(
                exclude=["sheet", "category"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                label = (
                    GoalItem._meta.get_field(field_name).verbose_name
                    if field_name in {f.name for f in GoalItem._meta.fields}
                    else field_name
                )
                problems.extend(f"{position + 1}行目（{label}）: {message}" for message in messages)
        items.append(item)
    if problems:
        raise SheetImportError(problems)
    GoalItem.objects.bulk_create(items)
    GoalItemSection.objects.bulk_create(
        GoalItemSection(item=item, section=sections[name], position=position)
        for item, item_data in zip(items, data.items, strict=True)
        for position, name in enumerate(item_data.sections)
    )
    changelog_record(
        sheet=sheet,
        target=sheet,
        action="sheet.imported",
        user=user,
        changes={"項目数": len(items), "置き換え": bool(existing)},
    )
    return sheet


# Importing a city's own Excel sheet: what it names but the city has not registered yet ------


def category_create(*, name: str, user=None) -> Category:
    """A new 計画・方針等の分類, placed after the existing ones."""
    last = Category.objects.order_by("-display_order").first()
    category = Category(
        name=text.clean_line(name), display_order=(last.display_order + 1) if last else 0
    )
    category.full_clean()
    category.save()
    changelog_record(
        sheet=None,
        target=category,
        action="category.created",
        user=user,
        changes={"分類名": [None, category.name]},
    )
    return category


def section_create(*, department: Department, name: str, user=None) -> Section:
    last = department.sections.order_by("-display_order").first()
    section = Section(
        department=department,
        name=text.clean_line(name),
        chief_title=f"{text.clean_line(name)}長",
        display_order=(last.display_order + 1) if last else 0,
    )
    section.full_clean()
    section.save()
    changelog_record(
        sheet=None,
        target=section,
        action="section.created",
        user=user,
        changes={"課名": [None, f"{department.name} {section.name}"]},
    )
    return section


def department_create(*, name: str, user=None) -> Department:
    last = Department.objects.order_by("-display_order").first()
    department = Department(
        name=text.clean_line(name),
        head_title=f"{text.clean_line(name)}長",
        display_order=(last.display_order + 1) if last else 0,
    )
    department.full_clean()
    department.save()
    changelog_record(
        sheet=None,
        target=department,
        action="department.created",
        user=user,
        changes={"部名": [None, department.name]},
    )
    return department


def fiscal_year_create(*, year: int, user=None) -> FiscalYear:
    """A fiscal year with the scales of the latest one (or the only ones registered)."""
    from goals.selectors import fiscal_year_default_scales

    progress_scale, achievement_scale = fiscal_year_default_scales()
    if progress_scale is None or achievement_scale is None:
        raise SheetImportError(
            [f"{year}年度を作成できません。先に進捗状況と達成状況の尺度を登録してください。"]
        )
    fiscal_year = FiscalYear(
        year=year, progress_scale=progress_scale, achievement_scale=achievement_scale
    )
    fiscal_year.full_clean()
    fiscal_year.save()
    changelog_record(
        sheet=None,
        target=fiscal_year,
        action="fiscal_year.created",
        user=user,
        changes={"年度": [None, fiscal_year.label]},
    )
    return fiscal_year


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
    # reviews.services imports this module; importing it here avoids the cycle.
    from reviews.services import reviews_import_achievement_lines

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
