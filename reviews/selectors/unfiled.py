"""Who has not filed: the list and the reminder text."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from core.wareki import wareki_date
from departments.models import Department, Role, RoleAssignment, Section
from goals.models import FiscalYear
from reviews.models import ReviewStatus
from reviews.rules import FILED_STATUSES, MISSING, MISSING_LABEL, stage_deadline, stage_label
from reviews.selectors.dashboard import DueFact, due_facts
from reviews.selectors.search import _SPACES

# Who has not filed: a reminder ---------------------------------------------------------------


@dataclass
class UnfiledReviewer:
    section: Section | None
    title: str  # 市民課長 or 市民部長
    names: list[str]
    facts: list[DueFact]


@dataclass
class UnfiledDepartment:
    department: Department
    reviewers: list[UnfiledReviewer]

    @property
    def count(self) -> int:
        return sum(len(reviewer.facts) for reviewer in self.reviewers)


def unfiled_reviews(*, fiscal_year: FiscalYear, stage: str) -> list[UnfiledDepartment]:
    """Due reviews of the stage not yet submitted, per department and reviewer, with the names
    of this year's chiefs and heads (a constant number of queries)."""
    facts, _ = due_facts(fiscal_year=fiscal_year)
    facts = [fact for fact in facts if fact.stage == stage and fact.status not in FILED_STATUSES]
    if not facts:
        return []
    departments = {
        department.pk: department
        for department in Department.objects.filter(pk__in={f.department_id for f in facts})
    }
    sections = {
        section.pk: section
        for section in Section.objects.filter(pk__in={f.section_id for f in facts if f.section_id})
    }
    titles, names = {}, defaultdict(list)
    for assignment in RoleAssignment.objects.filter(
        fiscal_year=fiscal_year.year,
        role__in=[Role.DEPARTMENT_HEAD, Role.SECTION_CHIEF],
        department__in=departments,
    ).select_related("user"):
        key = (
            ("section", assignment.section_id)
            if assignment.role == Role.SECTION_CHIEF
            else ("department", assignment.department_id)
        )
        titles.setdefault(key, assignment.title)
        full_name = f"{assignment.user.last_name} {assignment.user.first_name}".strip()
        names[key].append(full_name or assignment.user.get_username())
    grouped: dict[int, dict[int | None, list[DueFact]]] = defaultdict(lambda: defaultdict(list))
    for fact in facts:
        grouped[fact.department_id][fact.section_id].append(fact)
    result = []
    for department_id, by_reviewer in grouped.items():
        department = departments[department_id]
        reviewers = []
        for section_id, reviewer_facts in by_reviewer.items():
            section = sections.get(section_id) if section_id else None
            if section is not None:
                key = ("section", section.pk)
                default_title = section.chief_title or f"{section.name}長"
            else:
                key = ("department", department.pk)
                default_title = department.head_title
            reviewers.append(
                UnfiledReviewer(
                    section=section,
                    title=titles.get(key) or default_title,
                    names=names.get(key, []),
                    facts=sorted(reviewer_facts, key=lambda fact: (fact.position, fact.item_id)),
                )
            )
        reviewers.sort(
            key=lambda reviewer: (
                reviewer.section is not None,
                reviewer.section.display_order if reviewer.section else 0,
                reviewer.title,
            )
        )
        result.append(UnfiledDepartment(department=department, reviewers=reviewers))
    result.sort(key=lambda entry: (entry.department.display_order, entry.department.name))
    return result


def _one_line(text: str, limit: int = 40) -> str:
    line = _SPACES.sub(" ", text or "").strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def status_label(status: str) -> str:
    return MISSING_LABEL if status == MISSING else ReviewStatus(status).label


def unfiled_reminder_text(
    *, fiscal_year: FiscalYear, stage: str, groups: list[UnfiledDepartment], today: datetime.date
) -> str:
    """The unfiled list as plain text, ready to paste into a reminder mail."""
    deadline = stage_deadline(fiscal_year, stage)
    lines = [f"{fiscal_year.label} {stage_label(stage)} 未提出の一覧（{wareki_date(today)}現在）"]
    if deadline is not None:
        late = "。期限を過ぎています" if today > deadline else ""
        lines.append(f"提出期限: {wareki_date(deadline)}{late}")
    if not groups:
        lines += ["", "未提出の確認はありません。"]
    for group in groups:
        lines += ["", f"■{group.department.name}（{group.count}件）"]
        for reviewer in group.reviewers:
            who = reviewer.title
            if reviewer.names:
                who += f" {'、'.join(reviewer.names)} 様"
            lines.append(f"・{who}（{len(reviewer.facts)}件）")
            lines += [
                f"　番号{fact.number} {_one_line(fact.title)}（{status_label(fact.status)}）"
                for fact in reviewer.facts
            ]
    return "\n".join(lines) + "\n"
