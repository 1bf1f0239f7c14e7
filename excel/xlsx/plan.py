"""Import: checking what was read against the database (the plan the preview shows)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count

from core import text
from core.deadlines import deadline_parse
from core.wareki import fiscal_year_label
from departments.models import Department
from excel.xlsx.cells import (
    ACHIEVEMENT,
    BASELINE,
    CARRIERS,
    CATEGORY,
    DEADLINE,
    INDICATOR,
    METHOD,
    NUMBER,
    STATUS,
    TARGET,
    TITLE,
)
from excel.xlsx.reader import ImportedItem, ImportedSheet, Problem, _normal_label
from goals.models import Category, FiscalYear, GoalItem, GoalSheet
from goals.selectors import fiscal_year_default_scales
from goals.services import ItemData, SheetData
from reviews.models import Review, Stage
from reviews.services import achievement_level_choices, achievement_level_lookup

# Import: checking against the database --------------------------------------------------------


@dataclass
class PlanRow:
    """One item as the preview shows it."""

    imported: ImportedItem
    category_is_new: bool = False
    new_sections: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def data(self) -> ItemData:
        return self.imported.data


@dataclass
class ImportPlan:
    """What confirming would write, and every reason it cannot yet."""

    imported: ImportedSheet
    fiscal_year_number: int
    department_name: str
    fiscal_year: object = None
    department: object = None
    existing: object = None
    existing_items: int = 0
    existing_reviews: int = 0
    # 中間確認 / 年度末確認 → how many replacing would delete.
    existing_reviews_by_stage: dict[str, int] = field(default_factory=dict)
    create_fiscal_year: bool = False
    create_department: bool = False
    data: SheetData | None = None
    achievements: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    new_categories: list[str] = field(default_factory=list)
    new_sections: list[str] = field(default_factory=list)
    rows: list[PlanRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Another department or year named by the file: confirming needs an explicit tick.
    mismatches: list[str] = field(default_factory=list)
    # Categories or sections the file names that are not registered (and not to be created).
    unknown_names: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def fiscal_year_label(self) -> str:
        return fiscal_year_label(self.fiscal_year_number)

    @property
    def achievement_count(self) -> int:
        return sum(len(lines) for lines in self.achievements.values())

    @property
    def group_count(self) -> int:
        return len({row.data.number for row in self.rows})


def _comparable(name: str) -> str:
    return _normal_label(name)


_FIELD_KEYS = {
    "number": NUMBER,
    "title": TITLE,
    "continues_title": TITLE,
    "continues_achievement": ACHIEVEMENT,
    "achievement": ACHIEVEMENT,
    "method": METHOD,
    "deadline": DEADLINE,
    "indicator": INDICATOR,
    "baseline": BASELINE,
    "target": TARGET,
}


# Checked above with a message of our own; full_clean would repeat it for CharFields.
_TEXT_LIMITED = ["title", "achievement", "method", "deadline", "indicator", "baseline", "target"]


def import_plan(
    imported: ImportedSheet,
    *,
    fiscal_year: int,
    department: str,
    create_missing: bool = False,
    replace: bool | None = None,
    may_replace_frozen: bool = True,
) -> ImportPlan:
    """Check what was read against the database, without writing anything.

    `create_missing`: unknown categories and sections (and, for the command, the fiscal year and
    department) are to be created rather than reported. `replace`: None leaves the decision to
    the confirmation step; False makes an existing sheet a problem. `may_replace_frozen`: whether
    a submitted or accepted sheet may be replaced (planning staff, the command).
    """
    plan = ImportPlan(
        imported=imported,
        fiscal_year_number=fiscal_year,
        department_name=department,
        problems=list(imported.problems),
        warnings=list(imported.warnings),
    )
    scale = _plan_target(plan, create_missing, replace, may_replace_frozen)
    checker = _ItemChecker(plan, scale, create_missing)
    for position, item in enumerate(imported.items):
        checker.check(position, item)
    plan.new_categories = list(checker.new_categories.values())
    plan.new_sections = list(checker.new_sections.values())
    plan.data = SheetData(
        created_on=imported.created_on or datetime.date(fiscal_year, 4, 1),
        revisions=list(imported.revisions),
        signers=list(imported.signers),
        items=[item.data for item in imported.items],
    )
    return plan


def _plan_target(plan: ImportPlan, create_missing, replace, may_replace_frozen):
    """The fiscal year, department and existing sheet; returns the 達成状況 scale to check."""
    year = plan.fiscal_year_number
    label = fiscal_year_label(year)
    plan.fiscal_year = (
        FiscalYear.objects.select_related("achievement_scale")
        .prefetch_related("achievement_scale__levels")
        .filter(year=year)
        .first()
    )
    scale = plan.fiscal_year.achievement_scale if plan.fiscal_year else None
    if plan.fiscal_year is None and create_missing:
        plan.create_fiscal_year = True
        _, scale = fiscal_year_default_scales()
        if scale is None:
            plan.problems.append(
                Problem(f"{label}を作成できません。先に達成状況の尺度を登録してください。")
            )
    elif plan.fiscal_year is None:
        plan.problems.append(Problem(f"{label}は登録されていません。"))

    wanted = _comparable(plan.department_name)
    departments = list(Department.objects.all())
    plan.department = next((d for d in departments if _comparable(d.name) == wanted), None)
    if plan.department is not None:
        plan.department_name = plan.department.name
    elif create_missing:
        plan.create_department = True
    else:
        plan.problems.append(Problem(f"部「{plan.department_name}」は登録されていません。"))

    if plan.fiscal_year and plan.department:
        plan.existing = GoalSheet.objects.filter(
            fiscal_year=plan.fiscal_year, department=plan.department
        ).first()
    if plan.existing is not None:
        plan.existing_items = plan.existing.items.count()
        counts = dict(
            Review.objects.filter(item__sheet=plan.existing)
            .order_by()
            .values_list("stage")
            .annotate(count=Count("pk"))
            .values_list("stage", "count")
        )
        plan.existing_reviews_by_stage = {
            label: counts.get(stage, 0) for stage, label in Stage.choices
        }
        plan.existing_reviews = sum(counts.values())
        where = f"{label}の{plan.department_name}の整理表"
        if replace is False:
            plan.problems.append(Problem(f"{where}は既にあります。"))
        elif not plan.existing.is_editable and not may_replace_frozen:
            plan.problems.append(
                Problem(
                    f"{where}は「{plan.existing.get_status_display()}」のため置き換えられません。"
                    "差し戻された後に読み込むか、企画・政策担当に依頼してください。"
                )
            )

    _mismatches(plan, departments)
    return scale


def _mismatches(plan: ImportPlan, departments) -> None:
    """Another year or department named by the file (title, worksheet name, 職名 such as
    市民部長): flagged at the top of the preview, to be ticked before confirming."""
    imported = plan.imported
    label = fiscal_year_label(plan.fiscal_year_number)
    if imported.title_fiscal_year and imported.title_fiscal_year != plan.fiscal_year_number:
        plan.mismatches.append(
            f"ファイルの表題は{fiscal_year_label(imported.title_fiscal_year)}です"
            f"（読み込み先は{label}）。"
        )
    target = _comparable(plan.department_name)
    named = []
    if imported.title_department and _comparable(imported.title_department) != target:
        named.append((imported.title_department, "表題"))
    places = [("シート名", imported.worksheet)]
    places += [("職名", signer.title) for signer in imported.signers]
    for department in departments:
        name = _comparable(department.name)
        if name == target or any(name == _comparable(n) for n, _ in named):
            continue
        # A longer registered name that contains this one (子ども家庭部 / 家庭部) is not it.
        for where, value in places:
            value = _comparable(value)
            if name in value and target not in value:
                named.append((department.name, where))
                break
    for name, where in named:
        plan.mismatches.append(
            f"ファイルの{where}は「{name}」です（読み込み先は{plan.department_name}）。"
        )


class _ItemChecker:
    """Resolves an item's names (in place, to their registered spelling) and checks its fields."""

    def __init__(self, plan: ImportPlan, scale, create_missing: bool):
        self.plan = plan
        self.scale = scale
        self.create_missing = create_missing
        self.categories = {_comparable(c.name): c.name for c in Category.objects.all()}
        self.sections = {}
        if plan.department is not None:
            self.sections = {_comparable(s.name): s for s in plan.department.sections.all()}
        self.new_categories: dict[str, str] = {}
        self.new_sections: dict[str, str] = {}
        # Sections of an unknown department cannot be checked; that department is the problem.
        self.check_sections = plan.department is not None or create_missing

    def check(self, position: int, item: ImportedItem) -> None:
        row = PlanRow(imported=item)
        self.plan.rows.append(row)
        self.row, self.item = row, item
        self._category(item.data)
        if item.status_lines and not (item.data.common or item.data.sections):
            self.problem(
                "共通/課名が空欄のため、達成状況を誰の確認として読み込むか決められません。", STATUS
            )
        if self.check_sections:
            self._sections(item.data)
        lines = self._status_lines(item)
        if lines:
            self.plan.achievements[position] = lines
        self._fields(item.data)

    def problem(self, message: str, key: str | None) -> None:
        located = self.plan.imported.locate(message, self.item.row, key)
        self.row.problems.append(located)
        self.plan.problems.append(located)

    def _category(self, data: ItemData) -> None:
        if not data.category:
            return
        key = _comparable(data.category)
        if key in self.categories:
            data.category = self.categories[key]
        elif _looks_like_a_list(data.category):
            parts = _parts(data.category)
            known = [self.categories[p] for p in map(_comparable, parts) if p in self.categories]
            hint = f"（登録されている分類: {'、'.join(known)}）" if known else ""
            self.problem(
                f"分類「{data.category}」は1つの名前に見えません（「・」や空白で区切られています）。"
                f"登録されている分類を1つ書いてください{hint}。",
                CATEGORY,
            )
            self.plan.unknown_names = True
        elif self.create_missing:
            data.category = self.new_categories.setdefault(key, data.category)
            self.row.category_is_new = True
        else:
            self.problem(f"分類「{data.category}」は登録されていません。", CATEGORY)
            self.plan.unknown_names = True

    def _sections(self, data: ItemData) -> None:
        resolved: list[str] = []
        year = self.plan.fiscal_year_number
        for name, section in _resolve_sections(data.sections, self.sections):
            if section is not None:
                if not section.is_active_in(year):
                    self.problem(
                        f"課「{section.name}」は{fiscal_year_label(year)}にはありません。",
                        CARRIERS,
                    )
                canonical = section.name
            elif _looks_like_a_list(name) and all(
                _comparable(part) in self.sections for part in _parts(name)
            ):
                # 市民課・経済課 in one line: the registered sections it lists.
                for part in _parts(name):
                    canonical = self.sections[_comparable(part)].name
                    if canonical not in resolved:
                        resolved.append(canonical)
                continue
            elif _looks_like_a_list(name):
                self.problem(
                    f"課「{name}」は1つの名前に見えません（「・」や空白で区切られています）。"
                    "課ごとに改行か「、」で区切って、登録されている名前を書いてください。",
                    CARRIERS,
                )
                self.plan.unknown_names = True
                continue
            elif self.create_missing:
                canonical = self.new_sections.setdefault(_comparable(name), name)
                self.row.new_sections.append(canonical)
            else:
                self.problem(
                    f"課「{name}」は{self.plan.department_name}に登録されていません。", CARRIERS
                )
                self.plan.unknown_names = True
                continue
            if canonical not in resolved:
                resolved.append(canonical)
        data.sections = resolved

    def _status_lines(self, item: ImportedItem) -> list[tuple[str, str]]:
        lines = []
        for section_name, phrase in item.status_lines:
            if self.scale is not None and achievement_level_lookup(self.scale, phrase) is None:
                self.problem(
                    f"達成状況「{phrase}」は尺度「{self.scale.name}」にありません"
                    f"（使えるのは {achievement_level_choices(self.scale)}）。",
                    STATUS,
                )
            if section_name and section_name != "部":
                wanted = _comparable(section_name)
                section_name = next(
                    (name for name in item.data.sections if _comparable(name) == wanted),
                    section_name,
                )
            lines.append((section_name, phrase))
        return lines

    def _fields(self, data: ItemData) -> None:
        """The model's own rules (lengths, continuation) and the deadline, as the write will."""
        candidate = GoalItem(
            number=data.number or 1,
            title=data.title,
            continues_title=data.continues_title,
            continues_achievement=data.continues_achievement,
            achievement=text.join_bullets(data.achievement),
            achievement_as_prose=data.achievement_as_prose,
            method=text.join_bullets(data.method),
            method_as_prose=data.method_as_prose,
            deadline=data.deadline,
            is_common=data.common,
            indicator=data.indicator,
            baseline=data.baseline,
            target=data.target,
        )
        # A TextField's max_length binds only the forms; the editor's forms apply it, so do we.
        for name, key in _FIELD_KEYS.items():
            model_field = GoalItem._meta.get_field(name)
            value = getattr(candidate, name)
            limit = getattr(model_field, "max_length", None)
            if isinstance(value, str) and limit and len(value) > limit:
                self.problem(
                    f"{limit:,}文字以内にしてください（{len(value):,}文字あります）。", key
                )
        try:
            candidate.full_clean(
                exclude=["sheet", "category", *_TEXT_LIMITED],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.problem(message, _FIELD_KEYS.get(name))
        try:
            deadline_parse(data.deadline, fiscal_year=self.plan.fiscal_year_number)
        except ValueError as error:
            self.problem(str(error), DEADLINE)


_LIST_SEPARATORS = re.compile(r"[・･\s\u3000]+")


def _parts(name: str) -> list[str]:
    return [part for part in _LIST_SEPARATORS.split(name.strip()) if part]


def _looks_like_a_list(name: str) -> bool:
    """Names joined by ・ or spaces (市民課・経済課) rather than one name."""
    return len(_parts(name)) > 1


def _resolve_sections(names: list[str], known: dict) -> list[tuple[str, object]]:
    """Names typed in one cell → sections. A name wrapped onto two lines in a narrow cell
    (子ども若者 / 計画課) is joined back when the joined name is known."""
    resolved = []
    index = 0
    while index < len(names):
        for end in range(len(names), index, -1):
            joined = "".join(names[index:end])
            if _comparable(joined) in known:
                resolved.append((joined, known[_comparable(joined)]))
                index = end
                break
        else:
            resolved.append((names[index], None))
            index += 1
    return resolved
