"""Writes to sheets and items. Views, commands and imports call these, never the ORM directly."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from departments.models import Department, Role, RoleAssignment, Section
from goals import events, text
from goals.models import (
    Category,
    ChangeLog,
    FiscalYear,
    GoalItem,
    GoalItemSection,
    GoalSheet,
    SheetRevision,
    SheetSigner,
    SheetSnapshot,
    SheetStatus,
)
from goals.selectors import changes_since, previous_sheet, sheet_snapshot_data
from goals.wareki import wareki_date
from reviews.models import Review

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


# Editing a sheet in the browser --------------------------------------------------------------
#
# Every service below locks what it changes, refuses an edit made against an older version
# (EditConflict, carrying what the other person changed), validates with full_clean() and
# records before → after with changelog_record. Versions: GoalSheet.version counts changes to
# the header (作成日) and the status; GoalItem.version counts changes to one item's content
# (moving an item changes its version only when its 番号 changes).


class EditConflict(Exception):
    """Someone else saved first. `changes` lists what they changed since `version`."""

    def __init__(self, *, target, version: int, current_version: int):
        super().__init__("ほかの人が先に更新しました。")
        self.target = target
        self.version = version
        self.current_version = current_version
        self.changes = changes_since(target=target, version=version)


NOT_EDITABLE = (
    "この整理表は{status}のため編集できません。"
    "承認済みの整理表を直すときは「見直し」を押してください。"
)


def _ensure_editable(sheet: GoalSheet) -> None:
    if not sheet.is_editable:
        raise ValidationError(NOT_EDITABLE.format(status=sheet.get_status_display()))


def _check_version(target, version: int | None) -> None:
    if version is not None and target.version != version:
        raise EditConflict(target=target, version=version, current_version=target.version)


def _locked_sheet(sheet: GoalSheet) -> GoalSheet:
    """The sheet re-read under a row lock (PostgreSQL), so that concurrent edits queue up."""
    return (
        GoalSheet.objects.select_for_update(of=("self",))
        .select_related("fiscal_year", "department")
        .get(pk=sheet.pk)
    )


def _shown(value) -> Any:
    """A field's value as the history shows it (JSON: strings, numbers, lists)."""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return wareki_date(value)
    if hasattr(value, "pk"):
        return str(value)
    return value


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    return {
        label: [before.get(label, ""), value]
        for label, value in after.items()
        if before.get(label, "") != value
    }


def _bump(obj, *fields: str) -> None:
    obj.version += 1
    obj.save(update_fields=[*fields, "version", "updated_at"])


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
        changes={"作成日": _shown(sheet.created_on), "署名者": [str(s) for s in signers]},
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
    sheet = _locked_sheet(sheet)
    _ensure_editable(sheet)
    _check_version(sheet, version)
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
    before = _shown(sheet.created_on)
    sheet.created_on = created_on
    sheet.full_clean()
    _bump(sheet, "created_on")
    changelog_record(
        sheet=sheet,
        target=sheet,
        action="sheet.header_updated",
        user=user,
        changes={"作成日": [before, _shown(created_on)], "_version": [version, sheet.version]},
    )
    return sheet


# Signers ------------------------------------------------------------------------------------


def _signer_clean(signer: SheetSigner) -> None:
    signer.title = text.clean_line(signer.title or "")
    signer.name = text.clean_line(signer.name or "")
    signer.full_clean()


@transaction.atomic
def signer_add(*, sheet: GoalSheet, title: str, name: str, user) -> SheetSigner:
    sheet = _locked_sheet(sheet)
    _ensure_editable(sheet)
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
    sheet = _locked_sheet(signer.sheet)
    _ensure_editable(sheet)
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
    sheet = _locked_sheet(signer.sheet)
    _ensure_editable(sheet)
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
    sheet = _locked_sheet(signer.sheet)
    _ensure_editable(sheet)
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


# Items --------------------------------------------------------------------------------------


@dataclass
class ItemInput:
    """What the item form gives: the item's content, sections as chosen (kept in the
    department's order)."""

    number: int
    title: str = ""
    continues_title: bool = False
    continues_achievement: bool = False
    category: Category | None = None
    achievement: str = ""
    achievement_as_prose: bool = False
    method: str = ""
    method_as_prose: bool = False
    deadline: str = ""
    is_common: bool = False
    sections: list[Section] = field(default_factory=list)
    common_reviewer_section: Section | None = None
    indicator: str = ""
    baseline: str = ""
    target: str = ""


_ITEM_CONTENT_FIELDS = [
    "number",
    "title",
    "continues_title",
    "continues_achievement",
    "category",
    "achievement",
    "achievement_as_prose",
    "method",
    "method_as_prose",
    "deadline",
    "is_common",
    "common_reviewer_section",
    "indicator",
    "baseline",
    "target",
]
ITEM_FIELD_LABELS = {
    "number": "番号",
    "title": "実施項目",
    "continues_title": "実施項目を上の行から継続",
    "continues_achievement": "達成水準も上の行から継続",
    "category": "計画・方針等の分類",
    "achievement": "達成水準",
    "achievement_as_prose": "達成水準を文章で印刷",
    "method": "方法",
    "method_as_prose": "方法を文章で印刷",
    "deadline": "期限",
    "carriers": "共通/課名",
    "common_reviewer_section": "共通項目の確認を担当する課",
    "indicator": "指標",
    "baseline": "現状値",
    "target": "目標値",
}


def _carrier_names(is_common: bool, sections) -> str:
    return "共通" if is_common else "、".join(section.name for section in sections)


def _item_values(item: GoalItem, sections) -> dict[str, Any]:
    values = {
        ITEM_FIELD_LABELS[name]: _shown(getattr(item, name))
        for name in _ITEM_CONTENT_FIELDS
        if name in ITEM_FIELD_LABELS  # 共通 is shown with the sections, as 共通/課名
    }
    values[ITEM_FIELD_LABELS["carriers"]] = _carrier_names(item.is_common, sections)
    return values


def _current_sections(item: GoalItem) -> list[Section]:
    return [c.section for c in item.carriers.select_related("section").order_by("position", "id")]


def _ordered_items(sheet: GoalSheet) -> list[GoalItem]:
    return list(GoalItem.objects.filter(sheet=sheet).order_by("position", "id"))


def _is_sequential(items: list[GoalItem]) -> bool:
    """Numbered 1, 2, 3 … in order: such a sheet is kept that way when items come and go."""
    return [item.number for item in items] == list(range(1, len(items) + 1))


def _numbered_in_runs(items: list[GoalItem]) -> list[int]:
    """1 … k in order, consecutive items sharing a 番号 (a group) sharing the new one."""
    numbers, previous, current = [], None, 0
    for item in items:
        if item.number != previous:
            current += 1
            previous = item.number
        numbers.append(current)
    return numbers


def _apply_numbers(
    sheet: GoalSheet, items: list[GoalItem], numbers: list[int], *, user, skip=None
) -> None:
    """Give items new numbers, one version and one history entry per item that changes."""
    changed = []
    for item, number in zip(items, numbers, strict=True):
        if item.number == number:
            continue
        before, version = item.number, item.version
        item.number = number
        item.version += 1
        changed.append(item)
        if item is not skip:
            changelog_record(
                sheet=sheet,
                target=item,
                action="item.renumbered",
                user=user,
                changes={"番号": [before, number], "_version": [version, item.version]},
            )
    GoalItem.objects.bulk_update(changed, ["number", "version"])


def _validate_item(
    *, sheet: GoalSheet, item: GoalItem, data: ItemInput, index: int, next_item
) -> dict[str, list[str]]:
    """Rules beyond the model's own: who carries the item, what may continue what."""
    errors: dict[str, list[str]] = {}

    def add(field_name, message):
        errors.setdefault(field_name, []).append(message)

    year = sheet.fiscal_year.year
    carried = set(item.carriers.values_list("section_id", flat=True)) if item.pk else set()
    if data.is_common and data.sections:
        add("sections", "「共通」と課名は同時に選べません。どちらかにしてください。")
    elif not data.is_common and not data.sections:
        add("sections", "「共通」か、担当する課を1つ以上選んでください。")
    for section in data.sections:
        if section.department_id != sheet.department_id:
            add("sections", f"{section.name}は{sheet.department.name}の課ではありません。")
        elif section.pk not in carried and not section.is_active_in(year):
            add("sections", f"{section.name}は{sheet.fiscal_year.label}にはありません。")
    reviewer = data.common_reviewer_section
    if reviewer is not None:
        if not data.is_common:
            add("common_reviewer_section", "確認を担当する課は「共通」の項目だけに指定します。")
        elif reviewer.department_id != sheet.department_id:
            add("common_reviewer_section", f"{reviewer.name}はこの部の課ではありません。")
    if (
        data.category is not None
        and not data.category.is_active
        and data.category.pk != item.category_id
    ):
        add("category", f"分類「{data.category.name}」は現在使われていません。")
    if data.continues_title and index == 0:
        add("continues_title", "先頭の項目は上の行から継続できません。")
    if (
        not item.pk
        and next_item is not None
        and next_item.continues_title
        and not data.continues_title
    ):
        add(
            "continues_title",
            "この位置に追加すると、下の行が継続する実施項目が変わります。"
            "継続している行のさらに下に追加するか、この項目も「上の行から継続」にしてください。",
        )
    if item.pk:
        removed = carried - {section.pk for section in data.sections}
        reviewed = (
            Review.objects.filter(item=item, section_id__in=removed)
            .select_related("section")
            .order_by("section__display_order")
        )
        for review in reviewed:
            add(
                "sections",
                f"{review.section.name}はこの項目の{review.get_stage_display()}を記入済みのため、"
                "課名から外せません。",
            )
        if (
            item.is_common
            and not data.is_common
            and Review.objects.filter(item=item, section__isnull=True).exists()
        ):
            add("sections", "部としての確認が記入済みのため、「共通」を外せません。")
    return errors


def _apply_item(item: GoalItem, data: ItemInput) -> None:
    for name in _ITEM_CONTENT_FIELDS:
        setattr(item, name, getattr(data, name))
    item.title = item.title or ""
    if not item.is_common:
        item.common_reviewer_section = None


def _full_clean_item(item: GoalItem, errors: dict[str, list[str]]) -> None:
    """The model's rules (bullets, deadline, continued fields) merged with ours, in one error."""
    try:
        item.full_clean(exclude=["sheet"], validate_unique=False)
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            key = "__all__" if field_name == "__all__" else field_name
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _sections_in_order(sheet: GoalSheet, sections) -> list[Section]:
    return sorted(sections, key=lambda section: (section.display_order, section.name))


def _set_carriers(item: GoalItem, sections: list[Section]) -> None:
    item.carriers.all().delete()
    GoalItemSection.objects.bulk_create(
        GoalItemSection(item=item, section=section, position=position)
        for position, section in enumerate(sections)
    )


@transaction.atomic
def item_create(
    *, sheet: GoalSheet, data: ItemInput, user, after: GoalItem | None = None
) -> GoalItem:
    """Add an item at the end, or right below `after`.

    On a sheet numbered 1, 2, 3 … an item inserted with the next number pushes the numbers
    below it down by one, so that the sheet stays numbered in order.
    """
    sheet = _locked_sheet(sheet)
    _ensure_editable(sheet)
    items = _ordered_items(sheet)
    index = len(items)
    if after is not None:
        index = next((i + 1 for i, each in enumerate(items) if each.pk == after.pk), len(items))
    next_item = items[index] if index < len(items) else None
    item = GoalItem(sheet=sheet)
    errors = _validate_item(sheet=sheet, item=item, data=data, index=index, next_item=next_item)
    _apply_item(item, data)
    _full_clean_item(item, errors)
    sequential = _is_sequential(items)
    for position, each in enumerate(items[index:], start=index + 1):
        each.position = position
    GoalItem.objects.bulk_update(items[index:], ["position"])
    item.position = index
    item.save()
    sections = _sections_in_order(sheet, data.sections)
    _set_carriers(item, sections)
    if sequential and item.number == index + 1:
        following = items[index:]
        _apply_numbers(sheet, following, [each.number + 1 for each in following], user=user)
    changelog_record(
        sheet=sheet,
        target=item,
        action="item.created",
        user=user,
        changes={
            label: ["", value]
            for label, value in _item_values(item, sections).items()
            if value not in ("", "いいえ")
        },
    )
    return item


@transaction.atomic
def item_update(*, item: GoalItem, data: ItemInput, version: int, user) -> GoalItem:
    sheet = _locked_sheet(item.sheet)
    _ensure_editable(sheet)
    item = GoalItem.objects.select_for_update(of=("self",)).get(pk=item.pk, sheet=sheet)
    item.sheet = sheet
    _check_version(item, version)
    items = _ordered_items(sheet)
    index = next(i for i, each in enumerate(items) if each.pk == item.pk)
    errors = _validate_item(sheet=sheet, item=item, data=data, index=index, next_item=None)
    before = _item_values(item, _current_sections(item))
    _apply_item(item, data)
    _full_clean_item(item, errors)
    sections = _sections_in_order(sheet, data.sections)
    after = _item_values(item, sections)
    changes = _diff(before, after)
    if not changes:
        return item
    item.version += 1
    item.save()
    if ITEM_FIELD_LABELS["carriers"] in changes:
        _set_carriers(item, sections)
    changes["_version"] = [version, item.version]
    changelog_record(sheet=sheet, target=item, action="item.updated", user=user, changes=changes)
    return item


@transaction.atomic
def item_delete(*, item: GoalItem, version: int, user) -> None:
    """Delete an item. Refused when reviews were filed on it (they would go with it) or when the
    row below continues it (that row would silently continue another item)."""
    sheet = _locked_sheet(item.sheet)
    _ensure_editable(sheet)
    item = GoalItem.objects.select_for_update(of=("self",)).get(pk=item.pk, sheet=sheet)
    item.sheet = sheet
    _check_version(item, version)
    if Review.objects.filter(item=item).exists():
        raise ValidationError(
            "この項目には中間確認・年度末確認が記入されているため削除できません。"
            "内容を直すか、企画・政策担当に相談してください。"
        )
    items = _ordered_items(sheet)
    index = next(i for i, each in enumerate(items) if each.pk == item.pk)
    following = items[index + 1 :]
    if following and following[0].continues_title:
        raise ValidationError(
            "下の行がこの項目の実施項目を継続しているため削除できません。"
            "先に下の行の「上の行から継続」を外すか、下の行から削除してください。"
        )
    sequential = _is_sequential(items)
    changelog_record(
        sheet=sheet,
        target=item,
        action="item.deleted",
        user=user,
        changes={
            label: [value, ""]
            for label, value in _item_values(item, _current_sections(item)).items()
            if value not in ("", "いいえ")
        },
    )
    item.delete()
    for position, each in enumerate(following, start=index):
        each.position = position
    GoalItem.objects.bulk_update(following, ["position"])
    if sequential:
        _apply_numbers(sheet, following, [each.number - 1 for each in following], user=user)


def _blocks(items: list[GoalItem]) -> list[list[GoalItem]]:
    """Items grouped as printed blocks: an item with the rows that continue it."""
    blocks: list[list[GoalItem]] = []
    for index, item in enumerate(items):
        if item.continues_title and index > 0:
            blocks[-1].append(item)
        else:
            blocks.append([item])
    return blocks


@transaction.atomic
def item_move(*, item: GoalItem, direction: str, user) -> None:
    """Move an item one place up or down.

    An item moves together with the rows that continue it (they are one merged cell when
    printed); a continuing row moves only among the rows continuing the same item. A sheet
    numbered 1, 2, 3 … stays so; hand-set numbers (groups) stay with their items.
    """
    if direction not in ("up", "down"):
        raise ValidationError("移動の向きが正しくありません。")
    sheet = _locked_sheet(item.sheet)
    _ensure_editable(sheet)
    items = _ordered_items(sheet)
    sequential = _is_sequential(items)
    blocks = _blocks(items)
    block_index = next(i for i, block in enumerate(blocks) if any(b.pk == item.pk for b in block))
    block = blocks[block_index]
    step = -1 if direction == "up" else 1
    if block[0].pk == item.pk:
        other = block_index + step
        if not 0 <= other < len(blocks):
            return
        blocks[block_index], blocks[other] = blocks[other], blocks[block_index]
    else:
        inner = next(i for i, each in enumerate(block) if each.pk == item.pk)
        other = inner + step
        if other == 0:
            raise ValidationError(
                "上の行から継続している行は、継続元の行より上には移動できません。"
            )
        if other >= len(block):
            raise ValidationError(
                "上の行から継続している行は、その項目のまとまりの外には移動できません。"
                "先に「上の行から継続」を外してください。"
            )
        block[inner], block[other] = block[other], block[inner]
    ordered = [each for block in blocks for each in block]
    moved = next(each for each in ordered if each.pk == item.pk)
    old_position = moved.position
    for position, each in enumerate(ordered):
        each.position = position
    GoalItem.objects.bulk_update(ordered, ["position"])
    old_number = moved.number
    if sequential:
        _apply_numbers(sheet, ordered, list(range(1, len(ordered) + 1)), user=user, skip=moved)
    changes: dict[str, Any] = {"順番": [old_position + 1, moved.position + 1]}
    if moved.number != old_number:
        changes["番号"] = [old_number, moved.number]
        changes["_version"] = [moved.version - 1, moved.version]
    changelog_record(sheet=sheet, target=moved, action="item.moved", user=user, changes=changes)


@transaction.atomic
def items_renumber(*, sheet: GoalSheet, user) -> int:
    """Number the items 1 … k in order; consecutive items sharing a 番号 stay one group.
    Returns how many items changed."""
    sheet = _locked_sheet(sheet)
    _ensure_editable(sheet)
    items = _ordered_items(sheet)
    numbers = _numbered_in_runs(items)
    changed = sum(1 for item, number in zip(items, numbers, strict=True) if item.number != number)
    _apply_numbers(sheet, items, numbers, user=user)
    return changed


# Workflow: draft → submitted → accepted (or returned → submitted again); accepted → revised ---


def sheet_problems(sheet: GoalSheet) -> list[str]:
    """What keeps a sheet from being submitted, one message per problem."""
    items = list(
        sheet.items.order_by("position", "id")
        .prefetch_related("carriers")
        .only("pk", "number", "is_common", "continues_title", "title", "sheet_id")
    )
    problems = []
    if not items:
        problems.append("実施項目が1つもありません。")
    elif items[0].continues_title:
        problems.append("先頭の項目が「上の行から継続」になっています。")
    for item in items:
        if not item.is_common and not item.carriers.all():
            problems.append(f"番号{item.number}の項目に「共通」も課名もありません。")
        if not item.continues_title and not item.title:
            problems.append(f"番号{item.number}の項目に実施項目がありません。")
    if not sheet.signers.exists():
        problems.append("署名者（職名・氏名）がありません。")
    return problems


def _status_change(sheet: GoalSheet, new_status: str) -> list[str]:
    before = sheet.get_status_display()
    sheet.status = new_status
    return [before, sheet.get_status_display()]


@transaction.atomic
def sheet_submit(*, sheet: GoalSheet, version: int, user) -> GoalSheet:
    sheet = _locked_sheet(sheet)
    _check_version(sheet, version)
    if sheet.status not in (SheetStatus.DRAFT, SheetStatus.RETURNED):
        raise ValidationError(f"この整理表は{sheet.get_status_display()}のため提出できません。")
    problems = sheet_problems(sheet)
    if problems:
        raise ValidationError(problems)
    status = _status_change(sheet, SheetStatus.SUBMITTED)
    sheet.submitted_at = timezone.now()
    sheet.return_comment = ""
    _bump(sheet, "status", "submitted_at", "return_comment")
    changelog_record(
        sheet=sheet,
        target=sheet,
        action="sheet.submitted",
        user=user,
        changes={"状態": status, "_version": [version, sheet.version]},
    )
    transaction.on_commit(lambda: events.sheet_submitted.send(GoalSheet, sheet=sheet, user=user))
    return sheet


@transaction.atomic
def sheet_return(*, sheet: GoalSheet, comment: str, version: int, user) -> GoalSheet:
    sheet = _locked_sheet(sheet)
    _check_version(sheet, version)
    if sheet.status != SheetStatus.SUBMITTED:
        raise ValidationError("差し戻せるのは提出済みの整理表だけです。")
    comment = text.normalize_multiline(comment or "")
    if not comment:
        raise ValidationError({"comment": "差し戻しの理由を入力してください。"})
    status = _status_change(sheet, SheetStatus.RETURNED)
    sheet.return_comment = comment
    try:
        sheet.full_clean(exclude=["fiscal_year", "department"], validate_unique=False)
    except ValidationError as error:
        messages = error.message_dict.get("return_comment", error.messages)
        raise ValidationError({"comment": messages}) from None
    _bump(sheet, "status", "return_comment")
    changelog_record(
        sheet=sheet,
        target=sheet,
        action="sheet.returned",
        user=user,
        changes={"状態": status, "差し戻しの理由": comment, "_version": [version, sheet.version]},
    )
    transaction.on_commit(lambda: events.sheet_returned.send(GoalSheet, sheet=sheet, user=user))
    return sheet


def _snapshot_take(sheet: GoalSheet, *, accepted_at, accepted_by) -> SheetSnapshot:
    last = sheet.snapshots.aggregate(last=Max("number"))["last"] or 0
    snapshot = SheetSnapshot(
        sheet=sheet,
        number=last + 1,
        accepted_at=accepted_at,
        accepted_by=accepted_by
        if accepted_by is not None and accepted_by.is_authenticated
        else None,
        data=sheet_snapshot_data(sheet),
    )
    snapshot.full_clean()
    snapshot.save()
    return snapshot


@transaction.atomic
def sheet_accept(*, sheet: GoalSheet, version: int, user) -> SheetSnapshot:
    """Accept a submitted sheet and keep it as it is now (a SheetSnapshot). Accepting it again
    after a revision adds the day's revision date to the header (令和8年7月25日見直し)."""
    sheet = _locked_sheet(sheet)
    _check_version(sheet, version)
    if sheet.status != SheetStatus.SUBMITTED:
        raise ValidationError("承認できるのは提出済みの整理表だけです。")
    changes: dict[str, Any] = {"状態": _status_change(sheet, SheetStatus.ACCEPTED)}
    if sheet.snapshots.exists():
        today = timezone.localdate()
        _, added = SheetRevision.objects.get_or_create(sheet=sheet, revised_on=today)
        if added:
            changes["見直し日"] = ["", _shown(today)]
    sheet.accepted_at = timezone.now()
    _bump(sheet, "status", "accepted_at")
    snapshot = _snapshot_take(sheet, accepted_at=sheet.accepted_at, accepted_by=user)
    changes["承認版"] = f"第{snapshot.number}版"
    changes["_version"] = [version, sheet.version]
    changelog_record(sheet=sheet, target=sheet, action="sheet.accepted", user=user, changes=changes)
    transaction.on_commit(lambda: events.sheet_accepted.send(GoalSheet, sheet=sheet, user=user))
    return snapshot


@transaction.atomic
def sheet_revise(*, sheet: GoalSheet, version: int, user) -> GoalSheet:
    """見直し: reopen an accepted sheet for editing. The accepted version stays viewable (a sheet
    accepted before snapshots existed, e.g. imported, is kept as its first version now)."""
    sheet = _locked_sheet(sheet)
    _check_version(sheet, version)
    if sheet.status != SheetStatus.ACCEPTED:
        raise ValidationError("見直しできるのは承認済みの整理表だけです。")
    if not sheet.snapshots.exists():
        # Accepted outside this application (imported): its acceptance time is not known, the
        # last update stands in for it.
        sheet.accepted_at = sheet.accepted_at or sheet.updated_at
        _snapshot_take(sheet, accepted_at=sheet.accepted_at, accepted_by=None)
    status = _status_change(sheet, SheetStatus.DRAFT)
    _bump(sheet, "status", "accepted_at")
    changelog_record(
        sheet=sheet,
        target=sheet,
        action="sheet.revised",
        user=user,
        changes={"状態": status, "_version": [version, sheet.version]},
    )
    transaction.on_commit(
        lambda: events.sheet_revision_started.send(GoalSheet, sheet=sheet, user=user)
    )
    return sheet


# Importing a city's own Excel sheet: what it names but the city has not registered yet ------


def _next_display_order(queryset) -> int:
    """After the last one: new categories, sections and departments go to the end of the list."""
    last = queryset.aggregate(last=Max("display_order"))["last"]
    return 0 if last is None else last + 1


def category_create(*, name: str, user=None) -> Category:
    """A new 計画・方針等の分類, placed after the existing ones."""
    category = Category(
        name=text.clean_line(name), display_order=_next_display_order(Category.objects)
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
    section = Section(
        department=department,
        name=text.clean_line(name),
        chief_title=f"{text.clean_line(name)}長",
        display_order=_next_display_order(department.sections),
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
    department = Department(
        name=text.clean_line(name),
        head_title=f"{text.clean_line(name)}長",
        display_order=_next_display_order(Department.objects),
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


CITY_PDF_JOB_STALE_AFTER = datetime.timedelta(minutes=30)


CITY_PDF_JOBS_KEPT = 3


def city_pdf_job_start(*, fiscal_year: FiscalYear, kind: str, user=None):
    """Ask for the whole city's PDF of a year; a job already under way is returned, not doubled.

    The job runs as a background task (`goals.tasks.city_pdf_build`): at once in development,
    in `manage.py db_worker` in production.
    """
    from django.utils import timezone

    from goals.models import CityPdfJob
    from goals.tasks import city_pdf_build

    recent = timezone.now() - CITY_PDF_JOB_STALE_AFTER
    with transaction.atomic():
        running = (
            CityPdfJob.objects.select_for_update()
            .filter(
                fiscal_year=fiscal_year,
                kind=kind,
                status__in=[CityPdfJob.Status.QUEUED, CityPdfJob.Status.RUNNING],
            )
            .order_by("-created_at")
        )
        for job in running:
            if job.created_at >= recent:
                return job
            job.status = CityPdfJob.Status.FAILED
            job.error = "時間内に終わらなかったため、中断しました。もう一度作成してください。"
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
        job = CityPdfJob(fiscal_year=fiscal_year, kind=kind, requested_by=user)
        job.full_clean()
        job.save()
        changelog_record(
            sheet=None,
            target=job,
            action="pdf.city_requested",
            user=user,
            changes={"年度": fiscal_year.label, "種類": job.get_kind_display()},
        )
    city_pdf_build.enqueue(job_id=job.pk)
    job.refresh_from_db()
    return job


def city_pdf_job_run(*, job_id: int) -> None:
    """The background task's work: build the PDF, report progress on the job, keep the file."""
    import logging

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from goals import pdf
    from goals.models import CityPdfJob

    job = CityPdfJob.objects.select_related("fiscal_year").get(pk=job_id)
    if job.status != CityPdfJob.Status.QUEUED:
        return
    job.status = CityPdfJob.Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])

    def progress(stage: str, done: int, total: int) -> None:
        CityPdfJob.objects.filter(pk=job.pk).update(
            stage=stage, departments_done=done, departments_total=total
        )

    def fail(error: Exception) -> None:
        if not isinstance(error, pdf.PdfRenderError):
            logging.getLogger(__name__).exception("city PDF %s failed", job.pk)
        job.status = CityPdfJob.Status.FAILED
        job.error = str(error) if isinstance(error, pdf.PdfRenderError) else pdf.RENDER_FAILED
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])

    try:
        _, _, data = pdf.city_pdf(job.fiscal_year, job.kind, progress=progress)
        page_count = pdf.page_count(data)
    except Exception as error:
        fail(error)
        return
    try:
        job.refresh_from_db(fields=["departments_done", "departments_total"])
        name = f"{job.fiscal_year.year}_{job.kind}_{job.pk}.pdf"
        job.file.save(name, ContentFile(data), save=False)
        job.page_count = page_count
        job.status = CityPdfJob.Status.DONE
        job.stage = ""
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "page_count", "status", "stage", "finished_at"])
    except Exception as error:
        # No file without a finished job (e.g. the database went away before the last save).
        if job.file:
            job.file.delete(save=False)
        fail(error)
        return
    _city_pdf_jobs_prune(fiscal_year=job.fiscal_year, kind=job.kind)
    pdf.cache_prune()


def _city_pdf_jobs_prune(*, fiscal_year: FiscalYear, kind: str) -> None:
    from goals.models import CityPdfJob

    finished = CityPdfJob.objects.filter(
        fiscal_year=fiscal_year,
        kind=kind,
        status__in=[CityPdfJob.Status.DONE, CityPdfJob.Status.FAILED],
    ).order_by("-created_at", "-id")
    for old in finished[CITY_PDF_JOBS_KEPT:]:
        if old.file:
            old.file.delete(save=False)
        old.delete()
