"""The sheet, its header (作成日) and its signers."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core import text
from core.wareki import wareki_date
from departments.models import Department, Role, RoleAssignment, Section
from goals.history import changelog_record
from goals.models import (
    FiscalYear,
    GoalItem,
    GoalItemSection,
    GoalSheet,
    SheetSigner,
    SheetStatus,
)
from goals.selectors import previous_sheet
from goals.services.editing import bump, check_version, ensure_editable, locked_sheet, shown

# The sheet and its header -------------------------------------------------------------------


def _default_created_on(fiscal_year: FiscalYear) -> datetime.date:
    """Today when within the fiscal year, else its first day (a sheet is dated in its year)."""
    today = timezone.localdate()
    start, end = fiscal_year.starts_on, fiscal_year.ends_on
    return today if start <= today <= end else start


def _default_signers(department: Department, fiscal_year: FiscalYear) -> list[SheetSigner]:
    """The department's heads of that year, as they sign: 職名 from the assignment, 氏名."""
    assignments = (
        RoleAssignment.objects.filter(
            role=Role.DEPARTMENT_HEAD, department=department, fiscal_year=fiscal_year.year
        )
        .select_related("user")
        .order_by("id")
    )
    return [
        SheetSigner(
            title=assignment.title or department.head_title,
            name=f"{assignment.user.last_name} {assignment.user.first_name}".strip(),
        )
        for assignment in assignments
    ]


@transaction.atomic
def sheet_create(*, department: Department, fiscal_year: FiscalYear, user) -> GoalSheet:
    """An empty draft for a department and year, signed by that year's department heads."""
    if not department.is_active_in(fiscal_year.year):
        raise ValidationError(f"{department.name}は{fiscal_year.label}にはありません。")
    if GoalSheet.objects.filter(fiscal_year=fiscal_year, department=department).exists():
        raise ValidationError(f"{fiscal_year.label}の{department.name}の整理表は既にあります。")
    sheet = GoalSheet(
        fiscal_year=fiscal_year,
        department=department,
        created_on=_default_created_on(fiscal_year),
        status=SheetStatus.DRAFT,
    )
    sheet.full_clean()
    sheet.save()
    signers = _default_signers(department, fiscal_year)
    for position, signer in enumerate(signers):
        signer.sheet = sheet
        signer.position = position
    SheetSigner.objects.bulk_create(signers)
    changelog_record(
        sheet=sheet,
        target=sheet,
        action="sheet.created",
        user=user,
        changes={"作成日": shown(sheet.created_on), "署名者": [str(s) for s in signers]},
    )
    return sheet


@transaction.atomic
def sheet_start_from_previous(
    *, department: Department, fiscal_year: FiscalYear, user
) -> GoalSheet:
    """This year's draft from the department's most recent earlier sheet: its items with their
    categories and sections (those still in use), never its reviews. Then the head edits."""
    source = previous_sheet(department=department, fiscal_year=fiscal_year)
    if source is None:
        raise ValidationError(
            f"{department.name}には{fiscal_year.label}より前の整理表がありません。"
        )
    sheet = sheet_create(department=department, fiscal_year=fiscal_year, user=user)
    active_sections = set(
        Section.objects.filter(department=department)
        .active_in(fiscal_year.year)
        .values_list("pk", flat=True)
    )
    source_items = list(
        source.items.order_by("position", "id")
        .select_related("category", "common_reviewer_section")
        .prefetch_related("carriers__section")
    )
    dropped_sections: set[str] = set()
    dropped_categories: set[str] = set()
    items, carriers = [], []
    for position, old in enumerate(source_items):
        category = old.category
        if category is not None and not category.is_active:
            dropped_categories.add(category.name)
            category = None
        reviewer = old.common_reviewer_section
        if reviewer is not None and reviewer.pk not in active_sections:
            reviewer = None
        item = GoalItem(
            sheet=sheet,
            position=position,
            number=old.number,
            title=old.title,
            continues_title=old.continues_title and position > 0,
            continues_achievement=old.continues_achievement and position > 0,
            category=category,
            achievement=old.achievement,
            achievement_as_prose=old.achievement_as_prose,
            method=old.method,
            method_as_prose=old.method_as_prose,
            deadline=old.deadline,
            is_common=old.is_common,
            common_reviewer_section=reviewer,
            indicator=old.indicator,
            baseline=old.baseline,
            target=old.target,
        )
        # The deadline is read again for the new year: "1月" now falls in the next January.
        item.full_clean(exclude=["sheet", "category", "common_reviewer_section"])
        items.append(item)
        kept = [c.section for c in old.carriers.all() if c.section_id in active_sections]
        dropped_sections.update(
            c.section.name for c in old.carriers.all() if c.section_id not in active_sections
        )
        carriers.append(kept)
    GoalItem.objects.bulk_create(items)
    GoalItemSection.objects.bulk_create(
        GoalItemSection(item=item, section=section, position=index)
        for item, sections in zip(items, carriers, strict=True)
        for index, section in enumerate(sections)
    )
    changes: dict[str, Any] = {"元の整理表": str(source), "項目数": len(items)}
    if dropped_sections:
        changes["外した課（この年度にない課）"] = sorted(dropped_sections)
    if dropped_categories:
        changes["外した分類（使われなくなった分類）"] = sorted(dropped_categories)
    changelog_record(
        sheet=sheet, target=sheet, action="sheet.started_from_previous", user=user, changes=changes
    )
    return sheet


@transaction.atomic
def sheet_header_update(
    *, sheet: GoalSheet, created_on: datetime.date, version: int, user
) -> GoalSheet:
    sheet = locked_sheet(sheet)
    ensure_editable(sheet)
    check_version(sheet, version)
    fiscal_year = sheet.fiscal_year
    earliest = fiscal_year.starts_on.replace(year=fiscal_year.year - 1)
    if not earliest <= created_on <= fiscal_year.ends_on:
        raise ValidationError(
            {
                "created_on": f"作成日は{wareki_date(earliest)}から"
                f"{wareki_date(fiscal_year.ends_on)}までの日付にしてください。"
            }
        )
    if created_on == sheet.created_on:
        return sheet
    before = shown(sheet.created_on)
    sheet.created_on = created_on
    sheet.full_clean()
    bump(sheet, "created_on")
    changelog_record(
        sheet=sheet,
        target=sheet,
        action="sheet.header_updated",
        user=user,
        changes={"作成日": [before, shown(created_on)], "_version": [version, sheet.version]},
    )
    return sheet


# Signers ------------------------------------------------------------------------------------


def _signer_clean(signer: SheetSigner) -> None:
    signer.title = text.clean_line(signer.title or "")
    signer.name = text.clean_line(signer.name or "")
    signer.full_clean()


@transaction.atomic
def signer_add(*, sheet: GoalSheet, title: str, name: str, user) -> SheetSigner:
    sheet = locked_sheet(sheet)
    ensure_editable(sheet)
    last = sheet.signers.aggregate(last=Max("position"))["last"]
    signer = SheetSigner(sheet=sheet, title=title, name=name, position=(last or 0) + 1)
    _signer_clean(signer)
    signer.save()
    changelog_record(
        sheet=sheet,
        target=signer,
        action="signer.added",
        user=user,
        changes={"署名者": ["", str(signer)]},
    )
    return signer


@transaction.atomic
def signer_update(*, signer: SheetSigner, title: str, name: str, user) -> SheetSigner:
    sheet = locked_sheet(signer.sheet)
    ensure_editable(sheet)
    before = str(signer)
    signer.title, signer.name = title, name
    _signer_clean(signer)
    if str(signer) == before:
        return signer
    signer.save(update_fields=["title", "name"])
    changelog_record(
        sheet=sheet,
        target=signer,
        action="signer.updated",
        user=user,
        changes={"署名者": [before, str(signer)]},
    )
    return signer


@transaction.atomic
def signer_remove(*, signer: SheetSigner, user) -> None:
    sheet = locked_sheet(signer.sheet)
    ensure_editable(sheet)
    changelog_record(
        sheet=sheet,
        target=signer,
        action="signer.removed",
        user=user,
        changes={"署名者": [str(signer), ""]},
    )
    signer.delete()


@transaction.atomic
def signer_move(*, signer: SheetSigner, direction: str, user) -> None:
    """Swap with the signer above ("up") or below ("down"); at either end nothing happens."""
    sheet = locked_sheet(signer.sheet)
    ensure_editable(sheet)
    signers = list(sheet.signers.order_by("position", "id"))
    index = next(i for i, s in enumerate(signers) if s.pk == signer.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(signers):
        return
    before = [str(s) for s in signers]
    signers[index], signers[other] = signers[other], signers[index]
    for position, each in enumerate(signers):
        each.position = position
    SheetSigner.objects.bulk_update(signers, ["position"])
    changelog_record(
        sheet=sheet,
        target=signer,
        action="signer.moved",
        user=user,
        changes={"署名者の順番": [before, [str(s) for s in signers]]},
    )
