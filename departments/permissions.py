"""Who may read and write what: the one place that decides (views, exports, imports, admin).

Roles come from RoleAssignment, per fiscal year, because people move every April:
- administrator (superuser): everything;
- planning staff (企画・政策担当): read every sheet and review, accept or return sheets,
  run the year;
- department head (部長): write their department's sheet of a year they head it, confirm or return
  its reviews; read their department's sheets and reviews;
- section chief (課長): file the reviews of the items their section carries; read their
  department's sheets.

A user who belongs to a department in the object's fiscal year or in the current one may read it.
Anything of another department is invisible: views answer 404, and 403 where the user may read
but not write.
"""

import enum
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from core.wareki import fiscal_year_of
from departments.models import Role, RoleAssignment


class Access(enum.IntEnum):
    NONE = 0
    READ = 1
    WRITE = 2


@dataclass
class UserRoles:
    is_admin: bool = False
    planning_years: set[int] = field(default_factory=set)
    head_of: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    chief_of: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    member_of: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    section_department: dict[int, int] = field(default_factory=dict)

    @staticmethod
    def years(fiscal_year: int | None) -> tuple[int, ...]:
        current = current_fiscal_year()
        return (current,) if fiscal_year in (None, current) else (fiscal_year, current)

    def is_planning(self, fiscal_year: int | None = None) -> bool:
        return any(year in self.planning_years for year in self.years(fiscal_year))

    def sees_everything(self, fiscal_year: int | None = None) -> bool:
        return self.is_admin or self.is_planning(fiscal_year)

    def heads(self, department_id: int, fiscal_year: int) -> bool:
        """Head in that very year: writing follows the year's assignments."""
        return department_id in self.head_of.get(fiscal_year, ())

    def chiefs(self, section_id: int, fiscal_year: int) -> bool:
        return section_id in self.chief_of.get(fiscal_year, ())

    def belongs_to(self, department_id: int, fiscal_year: int | None = None) -> bool:
        return any(
            department_id in self.member_of.get(year, ()) for year in self.years(fiscal_year)
        )

    def department_ids(self) -> set[int]:
        """Departments readable in some year: used to narrow querysets before finer checks."""
        return set().union(*self.member_of.values()) if self.member_of else set()


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())


def user_roles(user) -> UserRoles:
    """The user's roles, read once per user object (one query) and cached on it."""
    cached = getattr(user, "_goal_roles", None)
    if cached is not None:
        return cached
    roles = UserRoles()
    if user.is_authenticated and user.is_active:
        roles.is_admin = user.is_superuser
        assignments = RoleAssignment.objects.filter(user=user).select_related("section")
        for assignment in assignments:
            year = assignment.fiscal_year
            if assignment.role == Role.PLANNING:
                roles.planning_years.add(year)
            elif assignment.role == Role.DEPARTMENT_HEAD:
                roles.head_of[year].add(assignment.department_id)
                roles.member_of[year].add(assignment.department_id)
            elif assignment.role == Role.SECTION_CHIEF:
                roles.chief_of[year].add(assignment.section_id)
                roles.member_of[year].add(assignment.department_id)
                # The section's own department (as `section_sheet_access` reads it).
                roles.section_department[assignment.section_id] = assignment.section.department_id
    user._goal_roles = roles
    return roles


# Sheets -----------------------------------------------------------------------------------


def sheet_access(user, sheet) -> Access:
    """READ or WRITE on a sheet's content, NONE when it must stay invisible.

    WRITE means the user may edit it in principle; whether its status allows editing now
    (a submitted or accepted sheet is frozen) is the service's business.
    """
    roles = user_roles(user)
    year = sheet.fiscal_year.year
    if roles.is_admin:
        return Access.WRITE
    if roles.heads(sheet.department_id, year):
        # A closed year's sheets are the record: its head may read them, no longer change them.
        return Access.READ if sheet.fiscal_year.phase == CLOSED_PHASE else Access.WRITE
    if roles.is_planning(year) or roles.belongs_to(sheet.department_id, year):
        return Access.READ
    return Access.NONE


def can_manage_sheet_workflow(user, sheet) -> bool:
    """Accept or return a submitted sheet: planning staff and administrators."""
    return can_manage_sheets_of_year(user, sheet.fiscal_year.year)


def can_manage_sheets_of_year(user, fiscal_year: int | None = None) -> bool:
    """Accept or return the submitted sheets of a year (None: the current one), as offered on
    the planning staff's list."""
    roles = user_roles(user)
    return roles.is_admin or roles.is_planning(fiscal_year)


def sees_every_sheet(user) -> bool:
    """Every department's sheets (the planning staff's list on the home page): administrators
    and this year's planning staff. Others see their own departments' sheets."""
    return user_roles(user).sees_everything()


# FiscalYear.Phase.CLOSED, spelled out: goals (which defines it) sits above this module.
CLOSED_PHASE = "closed"


def head_writes(user, *, department_id: int, fiscal_year) -> bool:
    """The department's head of that year, while the year is not closed (or an admin).

    `fiscal_year` is the FiscalYear itself (this module sits below goals and does not look
    years up)."""
    roles = user_roles(user)
    if roles.is_admin:
        return True
    return roles.heads(department_id, fiscal_year.year) and fiscal_year.phase != CLOSED_PHASE


def can_create_sheet(user, *, department, fiscal_year) -> bool:
    return head_writes(user, department_id=department.pk, fiscal_year=fiscal_year)


def sheets_visible_q(user, prefix: str = "") -> Q:
    """A filter for querysets of sheets (or of things under them, with `prefix`)."""
    roles = user_roles(user)
    if roles.is_admin or roles.is_planning():
        return Q()
    clauses = Q(pk__in=[])
    current = current_fiscal_year()
    for year, departments in roles.member_of.items():
        if year == current:
            clauses |= Q(**{f"{prefix}department__in": departments})
        else:
            clauses |= Q(
                **{f"{prefix}department__in": departments, f"{prefix}fiscal_year__year": year}
            )
    for year in roles.planning_years:
        clauses |= Q(**{f"{prefix}fiscal_year__year": year})
    return clauses


def check_sheet(user, sheet, *, write: bool = False):
    """404 when the sheet is invisible to the user, 403 when they may only read it."""
    access = sheet_access(user, sheet)
    if access is Access.NONE:
        raise Http404("整理表が見つかりません。")
    if write and access < Access.WRITE:
        raise PermissionDenied("この整理表を編集する権限がありません。")
    return access


def check_sheet_workflow(user, sheet):
    check_sheet(user, sheet)
    if not can_manage_sheet_workflow(user, sheet):
        raise PermissionDenied("整理表の承認・差し戻しは企画・政策担当が行います。")


# Reviews ----------------------------------------------------------------------------------


def review_access(user, *, item, section) -> Access:
    """Access to the review of `item` by `section` (None: the department, for a 共通 item).

    The section's chief writes it; a 共通 item without a named section is written by the head.
    The department head and planning staff read every review of the department; chiefs of other
    sections do not see it at all.
    """
    roles = user_roles(user)
    sheet = item.sheet
    year = sheet.fiscal_year.year
    if roles.is_admin:
        return Access.WRITE
    if section is None:
        if roles.heads(sheet.department_id, year):
            return Access.WRITE
    elif roles.chiefs(section.pk, year):
        return Access.WRITE
    if roles.is_planning(year) or any(
        roles.heads(sheet.department_id, y) for y in roles.years(year)
    ):
        return Access.READ
    # This year's head and chief read the department's and section's reviews of other years too.
    if section is not None and any(roles.chiefs(section.pk, y) for y in roles.years(year)):
        return Access.READ
    return Access.NONE


# ReviewStatus.DRAFT, spelled out: reviews (which defines it) sits above this module.
DRAFT_STATUS = "draft"


def can_read_review_text(user, *, item, section, status: str) -> bool:
    """A review's texts: a draft's only for its writers (the section's chiefs, the head for the
    department's own); the others who read the review see that a draft exists, not what it says.
    Once submitted, everyone who reads the review reads its texts."""
    access = review_access(user, item=item, section=section)
    if status == DRAFT_STATUS:
        return access is Access.WRITE
    return access is not Access.NONE


def reviews_visible_q(user, prefix: str = "") -> Q:
    """A filter for querysets of reviews that matches `review_access` (READ or better)."""
    roles = user_roles(user)
    if roles.is_admin or roles.is_planning():
        return Q()
    current = current_fiscal_year()
    clauses = Q(pk__in=[])

    def in_year(year):
        return {} if year == current else {f"{prefix}item__sheet__fiscal_year__year": year}

    for year, departments in roles.head_of.items():
        clauses |= Q(**{f"{prefix}item__sheet__department__in": departments}, **in_year(year))
    for year, sections in roles.chief_of.items():
        clauses |= Q(**{f"{prefix}section__in": sections}, **in_year(year))
    for year in roles.planning_years:
        clauses |= Q(**{f"{prefix}item__sheet__fiscal_year__year": year})
    return clauses


def can_confirm_reviews(user, sheet) -> bool:
    """Confirm or return submitted reviews: the department head of that year (or an admin)."""
    roles = user_roles(user)
    return roles.is_admin or roles.heads(sheet.department_id, sheet.fiscal_year.year)


def check_review(user, *, item, section, write: bool = False) -> Access:
    access = review_access(user, item=item, section=section)
    if access is Access.NONE:
        raise Http404("確認が見つかりません。")
    if write and access < Access.WRITE:
        raise PermissionDenied("この確認を記入する権限がありません。")
    return access


def check_review_confirmation(user, sheet):
    if not can_confirm_reviews(user, sheet):
        if sheet_access(user, sheet) is Access.NONE:
            raise Http404("整理表が見つかりません。")
        raise PermissionDenied("確認・差し戻しは部長が行います。")


# The year, the organisation, the vocabulary ------------------------------------------------


def can_administer_city(user) -> bool:
    """Open and close fiscal years, edit departments, sections, categories and scales."""
    roles = user_roles(user)
    return roles.is_admin or roles.is_planning()


def check_planning(user):
    if not can_administer_city(user):
        raise PermissionDenied("この操作は企画・政策担当が行います。")


def check_sheet_create(user, *, department, fiscal_year):
    """Create a department's sheet for a year: 404 when the department is not the user's (and
    they do not see every department), 403 when they may look but not create."""
    roles = user_roles(user)
    year = fiscal_year.year
    if not (roles.sees_everything(year) or roles.belongs_to(department.pk, year)):
        raise Http404("部が見つかりません。")
    if not can_create_sheet(user, department=department, fiscal_year=fiscal_year):
        raise PermissionDenied("整理表を作成できるのは、その年度の部長です。")


# Importing a sheet from a file (Excel) --------------------------------------------------------


def can_import_sheet(user, *, department, fiscal_year) -> bool:
    """Write a department's sheet of a year (a FiscalYear) from a file: its head that year,
    planning staff (for any department), administrators."""
    roles = user_roles(user)
    return roles.is_planning(fiscal_year.year) or head_writes(
        user, department_id=department.pk, fiscal_year=fiscal_year
    )


@dataclass(frozen=True)
class ImportTargets:
    """Where a user may import a sheet into, as offered by the upload form: fiscal years (by
    their year) and departments (by pk); None means every one. Whether a given pair may really
    be written (a closed year, a year they do not head) is `check_sheet_import`'s business."""

    years: frozenset[int] | None
    department_ids: frozenset[int] | None


def import_targets(user) -> ImportTargets:
    """Administrators and planning staff: every year and department; a head: the years they
    head a department and the departments they head (in any year); anyone else: nothing."""
    roles = user_roles(user)
    if roles.is_admin or roles.is_planning():
        return ImportTargets(years=None, department_ids=None)
    headed = {year: departments for year, departments in roles.head_of.items() if departments}
    return ImportTargets(
        years=frozenset(headed),
        department_ids=frozenset().union(*headed.values()),
    )


def departments_headed(user, fiscal_year: int) -> set[int]:
    """The departments (pks) the user heads in that very year."""
    return set(user_roles(user).head_of.get(fiscal_year, ()))


def sections_chiefed(user, fiscal_year: int) -> set[int]:
    """The sections (pks) whose chief the user is in that very year."""
    return set(user_roles(user).chief_of.get(fiscal_year, ()))


def files_reviews(user) -> bool:
    """Heads and chiefs of any year file reviews (the menu offers 確認の記入)."""
    roles = user_roles(user)
    return bool(roles.head_of or roles.chief_of)


def can_import_any_sheet(user) -> bool:
    """Whether to offer the import at all (menu entry, upload page)."""
    roles = user_roles(user)
    return (
        roles.is_admin
        or roles.is_planning()
        or any(departments for departments in roles.head_of.values())
    )


def can_replace_frozen_sheet(user, *, fiscal_year: int) -> bool:
    """Replace a submitted or accepted sheet by an import: planning staff and administrators;
    a department head imports over a sheet only while it is drafted or returned."""
    roles = user_roles(user)
    return roles.is_admin or roles.is_planning(fiscal_year)


def check_sheet_import(user, *, department, fiscal_year):
    """404 for a department the user cannot see, 403 where they may only read its sheets."""
    if can_import_sheet(user, department=department, fiscal_year=fiscal_year):
        return
    roles = user_roles(user)
    if roles.is_planning(fiscal_year.year) or roles.belongs_to(department.pk, fiscal_year.year):
        raise PermissionDenied("この部の整理表を読み込む権限がありません（部長が行います）。")
    raise Http404("部が見つかりません。")


def can_assign_common_reviewer(user, sheet) -> bool:
    """Name the section that files a 共通 item's reviews: the department head of that year."""
    roles = user_roles(user)
    return roles.is_admin or roles.heads(sheet.department_id, sheet.fiscal_year.year)


def check_common_reviewer_assignment(user, sheet):
    if not can_assign_common_reviewer(user, sheet):
        if sheet_access(user, sheet) is Access.NONE:
            raise Http404("整理表が見つかりません。")
        raise PermissionDenied("共通項目の確認の担当は部長が決めます。")


def can_reopen_reviews(user, fiscal_year: int) -> bool:
    """Let a review be filed after its stage closed: planning staff (or an admin)."""
    roles = user_roles(user)
    return roles.is_admin or roles.is_planning(fiscal_year)


def check_review_reopen(user, *, item, section):
    check_review(user, item=item, section=section)
    if not can_reopen_reviews(user, item.sheet.fiscal_year.year):
        raise PermissionDenied("受付の終わった確認の再開は企画・政策担当が行います。")


@dataclass(frozen=True)
class _AnyItemOf:
    """Any item of this sheet: `review_access` reads nothing of an item but its sheet."""

    sheet: object


def section_sheet_access(user, *, sheet, section) -> Access:
    """A section's review sheet (課の実行計画・中間確認・年度末確認): what its reviews allow.

    A section of another department is NONE, whatever the user's roles.
    """
    if section.department_id != sheet.department_id:
        return Access.NONE
    return review_access(user, item=_AnyItemOf(sheet), section=section)


def check_section_sheet(user, *, sheet, section) -> Access:
    access = section_sheet_access(user, sheet=sheet, section=section)
    if access is Access.NONE:
        raise Http404("課のシートが見つかりません。")
    return access


def can_read_all_reviews(user, sheet, sections=None) -> bool:
    """Every review of the sheet, each section's and the department's own (共通 items).

    Whoever reads the department's own reviews (its head, planning staff, an admin) reads every
    section's of that department too: the department's sections need not be loaded to decide.
    When `sections` are given, each is checked as well (one of another department is not)."""
    if review_access(user, item=_AnyItemOf(sheet), section=None) is Access.NONE:
        return False
    return sections is None or all(
        section_sheet_access(user, sheet=sheet, section=section) >= Access.READ
        for section in sections
    )


def reads_some_section_sheet(user, sheet) -> bool:
    """Whether the user may read the review sheet of some section of the sheet's department,
    decided from their roles alone (no query): whoever reads the department's own reviews, and a
    chief (of that year or the current one) of one of its sections."""
    if review_access(user, item=_AnyItemOf(sheet), section=None) is not Access.NONE:
        return True
    roles = user_roles(user)
    return any(
        roles.section_department.get(section_id) == sheet.department_id
        for year in roles.years(sheet.fiscal_year.year)
        for section_id in roles.chief_of.get(year, ())
    )


def check_sheet_reviews(user, sheet, sections=None):
    """Print a sheet with every section's reviews in it (the mid-year status sheet)."""
    check_sheet(user, sheet)
    if not can_read_all_reviews(user, sheet, sections):
        raise PermissionDenied(MID_YEAR_PRINT_REFUSED)


# The PDFs of a department's sheet (`printing.views.sheet_pdf`'s `kind`), spelled out like
# CLOSED_PHASE: goals.models.PrintKind sits above this module.
PRINT_PLAN = "plan"
PRINT_YEAR_END = "year_end"
PRINT_MID_YEAR = "mid_year"
PRINT_SECTION_REVIEW = "section_review"
MID_YEAR_PRINT_REFUSED = "各課の中間確認をまとめた一覧は、部長と企画・政策担当が印刷できます。"
SECTION_PRINT_REFUSED = "印刷できる課のシートがありません。"


def sheet_print_kinds(user, sheet) -> list[str]:
    """The PDFs of the sheet the user may download, from their roles alone (no query): the plan
    and the year-end sheet for whoever reads the sheet, the mid-year list for those who read
    every review, the section review sheets for those who read one of them. The download and
    the buttons offering it both ask this."""
    if sheet_access(user, sheet) is Access.NONE:
        return []
    kinds = [PRINT_PLAN, PRINT_YEAR_END]
    if can_read_all_reviews(user, sheet):
        kinds.append(PRINT_MID_YEAR)
    if reads_some_section_sheet(user, sheet):
        kinds.append(PRINT_SECTION_REVIEW)
    return kinds


def check_sheet_print(user, sheet, kind: str):
    """404 when the sheet is invisible to the user, 403 for a PDF of it they may not download."""
    check_sheet(user, sheet)
    if kind in sheet_print_kinds(user, sheet):
        return
    if kind == PRINT_MID_YEAR:
        raise PermissionDenied(MID_YEAR_PRINT_REFUSED)
    raise PermissionDenied(SECTION_PRINT_REFUSED)


def printable_sections(user, *, sheet, sections) -> list:
    """Of `sections` (the sheet's department's), those whose review sheet the user may read;
    403 when there is none."""
    readable = [
        section
        for section in sections
        if section_sheet_access(user, sheet=sheet, section=section) >= Access.READ
    ]
    if not readable:
        raise PermissionDenied(SECTION_PRINT_REFUSED)
    return readable


def can_print_city(user, fiscal_year: int | None = None) -> bool:
    """The print menu and the whole city's PDF: planning staff and administrators."""
    roles = user_roles(user)
    return roles.is_admin or roles.is_planning(fiscal_year)


def check_print_city(user, fiscal_year: int | None = None):
    if not can_print_city(user, fiscal_year):
        raise PermissionDenied("印刷メニューは企画・政策担当が使います。")


# Accounts (accounts/) -------------------------------------------------------------------------


def can_manage_accounts(user) -> bool:
    """List staff accounts, create one by hand and send the link to set its password: planning
    staff of the current year and administrators (the roster import uses the same services)."""
    roles = user_roles(user)
    return roles.is_admin or roles.is_planning()


def check_manage_accounts(user):
    if not can_manage_accounts(user):
        raise PermissionDenied("アカウントの管理は企画・政策担当が行います。")


# Mail (notifications) -----------------------------------------------------------------------


def can_view_undelivered_mail(user) -> bool:
    """The list of mails that did not arrive, and sending them again: planning staff (or an
    admin). It names people of every department, as planning staff's pages do."""
    roles = user_roles(user)
    return roles.is_admin or roles.is_planning()


def check_undelivered_mail(user):
    if not can_view_undelivered_mail(user):
        raise PermissionDenied("届かなかったメールの一覧は企画・政策担当が見ます。")


def can_edit_own_notification_settings(user) -> bool:
    """Each signed-in user decides about their own reminders; nobody edits another's."""
    return user.is_authenticated and user.is_active


# Publication (公表) ------------------------------------------------------------------------


def can_publish(user, fiscal_year: int | None = None) -> bool:
    """Publish a year's sheets and results to citizens, or withdraw them: planning staff (of that
    year or the current one) and administrators. Reading the public site needs no login."""
    roles = user_roles(user)
    return roles.is_admin or roles.is_planning(fiscal_year)


def check_publish(user, fiscal_year: int | None = None):
    if not can_publish(user, fiscal_year):
        raise PermissionDenied("公表と公表の取り消しは企画・政策担当が行います。")
