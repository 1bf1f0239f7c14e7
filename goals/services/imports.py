"""Importing a whole sheet from data read elsewhere (demo data, Excel)."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from core import text
from departments.models import Department, Section
from goals.history import changelog_record
from goals.models import (
    Category,
    FiscalYear,
    GoalItem,
    GoalItemSection,
    GoalSheet,
    SheetRevision,
    SheetSigner,
    SheetStatus,
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
        changes={"項目数": len(items), "置き換え": "はい" if existing else "いいえ"},
    )
    return sheet
