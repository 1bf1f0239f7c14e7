"""Reads for notifications: who receives a mail, and what waits for a person (やること).

`todo_for` is the one source of what waits for someone: the home page lists it, the navigation
counts it and the reminder mails send it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from core.wareki import wareki_date
from departments.models import Role, RoleAssignment
from departments.permissions import user_roles
from goals.models import FiscalYear, GoalSheet, SheetStatus
from notifications.models import DeadlineKind, Delivery, NotificationSetting, ReminderRecord
from reviews.models import Review, ReviewStatus, Stage
from reviews.rules import FILED_STATUSES, OPEN, stage_deadline, stage_window
from reviews.selectors.dashboard import departments_of_year, due_facts
from reviews.selectors.slots import my_reviews

# Recipients ---------------------------------------------------------------------------------


def _holders(**lookup) -> list:
    """Active users holding a role (one query), each once, in a stable order."""
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            pk__in=RoleAssignment.objects.filter(**lookup).values("user"),
        )
        .order_by("pk")
    )
    return list(users)


def planning_staff(*, year: int) -> list:
    return _holders(fiscal_year=year, role=Role.PLANNING)


def department_heads(*, department_id: int, year: int) -> list:
    return _holders(fiscal_year=year, role=Role.DEPARTMENT_HEAD, department_id=department_id)


def section_chiefs(*, section_id: int, year: int) -> list:
    return _holders(fiscal_year=year, role=Role.SECTION_CHIEF, section_id=section_id)


def review_writers(review: Review) -> list:
    """Who wrote the review (who submitted it), else who writes it this year: the section's
    chiefs, or the department's heads for a 共通 item filed by the department."""
    if review.submitted_by_id and review.submitted_by.is_active:
        return [review.submitted_by]
    sheet = review.item.sheet
    year = sheet.fiscal_year.year
    if review.section_id:
        return section_chiefs(section_id=review.section_id, year=year)
    return department_heads(department_id=sheet.department_id, year=year)


def review_for_mail(*, pk: int) -> Review:
    return Review.objects.select_related(
        "item__sheet__fiscal_year", "item__sheet__department", "section", "submitted_by"
    ).get(pk=pk)


def sheet_for_mail(*, pk: int) -> GoalSheet:
    return GoalSheet.objects.select_related("fiscal_year", "department").get(pk=pk)


def reminders_wanted(user) -> bool:
    setting = NotificationSetting.objects.filter(user=user).first()
    return setting is None or setting.reminders_enabled


def users_without_reminders(*, user_ids) -> set[int]:
    return set(
        NotificationSetting.objects.filter(
            user_id__in=user_ids, reminders_enabled=False
        ).values_list("user_id", flat=True)
    )


def reminder_candidates(*, year: int) -> list:
    """Everyone who may have something to file in the year: heads and chiefs (active)."""
    return _holders(fiscal_year=year, role__in=[Role.DEPARTMENT_HEAD, Role.SECTION_CHIEF])


def reminders_already_sent(*, fiscal_year: FiscalYear, sent_on: datetime.date) -> set[tuple]:
    return set(
        ReminderRecord.objects.filter(fiscal_year=fiscal_year, sent_on=sent_on).values_list(
            "user_id", "deadline_kind", "deadline"
        )
    )


def undelivered_mail():
    """Mail that did not reach the mail server (or had nobody to go to), newest first."""
    return Delivery.objects.filter(status__in=Delivery.UNDELIVERED).select_related("recipient")


def deliveries_due_for_retry(*, now: datetime.datetime) -> list[int]:
    return list(
        Delivery.objects.filter(
            status=Delivery.Status.RETRYING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )


# What waits for me (やること) ---------------------------------------------------------------

HEADING_SHEET = "整理表"
HEADING_CONFIRM = "部長の確認を待っている確認"
HEADING_ACCEPT = "承認を待っている整理表"
HEADING_LATE = "期限を過ぎている部"


def heading_file(stage: str) -> str:
    return f"{Stage(stage).label}の記入"


@dataclass(frozen=True)
class TodoLine:
    """One thing that waits for the person, with the page where it is done."""

    heading: str
    text: str
    url: str  # a path; mails put SITE_URL in front
    status: str = ""
    detail: str = ""  # the return comment or reason, when there is one
    deadline: datetime.date | None = None
    overdue: bool = False
    # The deadline a reminder for this line is about (None: never reminded, e.g. planning staff's
    # lines about other departments).
    reminder_kind: str | None = None

    @property
    def deadline_label(self) -> str:
        return wareki_date(self.deadline) if self.deadline else ""


def _one_line(text: str, limit: int = 40) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _late(deadline: datetime.date | None, today: datetime.date) -> bool:
    return deadline is not None and today > deadline


def _handed_in(sheet: GoalSheet | None) -> bool:
    """Submitted once at least: a revision later in the year is not late."""
    return sheet is not None and (
        sheet.status in (SheetStatus.SUBMITTED, SheetStatus.ACCEPTED)
        or sheet.submitted_at is not None
        or sheet.accepted_at is not None
    )


def _head_sheet_lines(fiscal_year, department_ids, today) -> list[TodoLine]:
    if not department_ids:
        return []
    sheets = {
        sheet.department_id: sheet
        for sheet in GoalSheet.objects.filter(
            fiscal_year=fiscal_year, department__in=department_ids
        )
    }
    deadline = fiscal_year.sheet_deadline
    lines = []
    for department in departments_of_year(fiscal_year).filter(pk__in=department_ids):
        sheet = sheets.get(department.pk)
        overdue = not _handed_in(sheet) and _late(deadline, today)
        common = {
            "heading": HEADING_SHEET,
            "deadline": deadline,
            "overdue": overdue,
            "reminder_kind": DeadlineKind.SHEET,
        }
        if sheet is None:
            url = (
                reverse("goals:sheet_create")
                + f"?department={department.pk}&year={fiscal_year.year}"
            )
            lines.append(
                TodoLine(
                    text=f"{fiscal_year.label} {department.name}の整理表を作成し、提出してください",
                    url=url,
                    status="未作成",
                    **common,
                )
            )
            continue
        url = reverse("goals:sheet_detail", args=[sheet.pk])
        if sheet.status == SheetStatus.RETURNED:
            lines.append(
                TodoLine(
                    text=f"差し戻された{department.name}の整理表を直して、再提出してください",
                    url=url,
                    status=sheet.get_status_display(),
                    detail=sheet.return_comment,
                    **common,
                )
            )
        elif sheet.status == SheetStatus.DRAFT:
            text = (
                f"見直し中の{department.name}の整理表を提出してください"
                if _handed_in(sheet)
                else f"{department.name}の整理表を作成し、提出してください"
            )
            lines.append(TodoLine(text=text, url=url, status=sheet.get_status_display(), **common))
    return lines


def _file_lines(groups, fiscal_year, today) -> list[TodoLine]:
    """Reviews the person writes and has not filed, while they can be filed."""
    found = []
    for group in groups:
        for row in group.rows:
            for stage, slot in row.slots.items():
                if not slot.is_fillable:
                    continue
                deadline = stage_deadline(fiscal_year, stage)
                overdue = _late(deadline, today)
                item = slot.item
                title = _one_line(getattr(item, "display_title", "") or item.title)
                who = slot.section.name if slot.section is not None else "共通・部長が記入"
                returned = slot.status == ReviewStatus.RETURNED
                found.append(
                    (
                        (not overdue, Stage.values.index(stage), item.sheet_id, item.position),
                        TodoLine(
                            heading=heading_file(stage),
                            text=f"番号{item.number} {title}（{who}）",
                            url=reverse("reviews:review_edit", args=slot.url_args),
                            status="差し戻し" if returned else slot.status_label,
                            detail=slot.review.return_comment if returned else "",
                            deadline=deadline,
                            overdue=overdue,
                            reminder_kind=stage,
                        ),
                    )
                )
    found.sort(key=lambda pair: pair[0])
    return [line for _, line in found]


def _confirm_lines(fiscal_year, department_ids, today) -> list[TodoLine]:
    if not department_ids:
        return []
    waiting = (
        Review.objects.filter(
            item__sheet__fiscal_year=fiscal_year,
            item__sheet__department__in=department_ids,
            status=ReviewStatus.SUBMITTED,
        )
        .values("item__sheet", "item__sheet__department__name", "stage")
        .annotate(count=Count("id"))
        .order_by("item__sheet__department__display_order", "item__sheet", "stage")
    )
    lines = []
    for entry in waiting:
        stage = entry["stage"]
        deadline = stage_deadline(fiscal_year, stage)
        url = reverse("reviews:sheet_reviews", args=[entry["item__sheet"]])
        lines.append(
            TodoLine(
                heading=HEADING_CONFIRM,
                text=(
                    f"{entry['item__sheet__department__name']}の{Stage(stage).label} "
                    f"{entry['count']}件を確認してください"
                ),
                url=f"{url}?stage={stage}&show=submitted",
                status="確認待ち",
                deadline=deadline,
                overdue=_late(deadline, today),
                reminder_kind=stage,
            )
        )
    return lines


def _planning_lines(fiscal_year, today) -> list[TodoLine]:
    year = fiscal_year.year
    departments = list(departments_of_year(fiscal_year))
    sheets = {
        sheet.department_id: sheet
        for sheet in GoalSheet.objects.filter(fiscal_year=fiscal_year).select_related("department")
    }
    lines = [
        TodoLine(
            heading=HEADING_ACCEPT,
            text=f"{department.name}の整理表が提出されています。承認または差し戻しをしてください",
            url=reverse("goals:sheet_detail", args=[sheets[department.pk].pk]),
            status="提出済み",
        )
        for department in departments
        if department.pk in sheets and sheets[department.pk].status == SheetStatus.SUBMITTED
    ]
    if fiscal_year.phase == FiscalYear.Phase.CLOSED:
        return lines
    deadline = fiscal_year.sheet_deadline
    if _late(deadline, today):
        for department in departments:
            sheet = sheets.get(department.pk)
            if _handed_in(sheet):
                continue
            state = "未作成" if sheet is None else "未提出"
            lines.append(
                TodoLine(
                    heading=HEADING_LATE,
                    text=f"{department.name}: 整理表が{state}です",
                    url=(
                        reverse("goals:sheet_detail", args=[sheet.pk])
                        if sheet
                        else reverse("home") + f"?year={year}"
                    ),
                    status="期限切れ",
                    deadline=deadline,
                    overdue=True,
                )
            )
    late_stages = [
        stage
        for stage in Stage.values
        if stage_window(fiscal_year, stage) == OPEN
        and _late(stage_deadline(fiscal_year, stage), today)
    ]
    if late_stages:
        facts, _ = due_facts(fiscal_year=fiscal_year)
        unfiled = defaultdict(int)
        for fact in facts:
            if fact.stage in late_stages and fact.status not in FILED_STATUSES:
                unfiled[fact.department_id, fact.stage] += 1
        for stage in late_stages:
            for department in departments:
                count = unfiled.get((department.pk, stage))
                if count:
                    lines.append(
                        TodoLine(
                            heading=HEADING_LATE,
                            text=f"{department.name}: {Stage(stage).label}が{count}件未提出です",
                            url=reverse("reviews:unfiled") + f"?year={year}&stage={stage}",
                            status="期限切れ",
                            deadline=stage_deadline(fiscal_year, stage),
                            overdue=True,
                        )
                    )
    return lines


def todo_for(*, user, fiscal_year: FiscalYear | None, today=None) -> list[TodoLine]:
    """What waits for the user in the fiscal year, role by role, each line with its page.

    A head: the department's sheet to write, submit or correct (with the return comment), the
    共通 items' reviews the head files, the reviews waiting for the head's confirmation. A chief:
    the reviews to file, by stage, overdue first, returned ones with the reason. Planning staff:
    sheets waiting for acceptance, departments late on each step. A constant number of queries
    whatever the number of items.
    """
    if fiscal_year is None or not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    roles = user_roles(user)
    year = fiscal_year.year
    head_ids = set(roles.head_of.get(year, ()))
    lines = _head_sheet_lines(fiscal_year, head_ids, today)
    if roles.chief_of.get(year) or head_ids:
        lines += _file_lines(my_reviews(user=user, fiscal_year=fiscal_year), fiscal_year, today)
    lines += _confirm_lines(fiscal_year, head_ids, today)
    if year in roles.planning_years:
        lines += _planning_lines(fiscal_year, today)
    return lines


def todo_groups(lines: list[TodoLine]) -> list[tuple[str, list[TodoLine]]]:
    """The lines under their headings, in the order the headings first appear."""
    groups: dict[str, list[TodoLine]] = {}
    for line in lines:
        groups.setdefault(line.heading, []).append(line)
    return list(groups.items())
