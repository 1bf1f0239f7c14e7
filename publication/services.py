"""Publishing to citizens and withdrawing: explicit acts of planning staff, in the change log.

What is published is frozen in the Publication: the accepted version's content (its snapshot),
for 達成状況 the year-end results as the year-end print shows them (confirmed reviews only), and
the PDF rendered at that moment from the accepted sheet after checking that the sheet is exactly
its accepted version. A draft, a sheet under revision, a submitted or returned sheet is refused.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from core.lazy import LazyModule
from departments.models import Department
from goals.history import changelog_record
from goals.models import FiscalYear, GoalSheet, PrintKind, SheetSnapshot, SheetStatus
from goals.selectors import sheet_snapshot_data
from publication.models import Publication, PublicationKind, PublicSiteState
from reviews.selectors import achievement_status_by_item

# The PDF package (WeasyPrint) is imported on the first publish, not when the URLs load.
pdf = LazyModule("printing.pdf")

PRINT_KINDS = {PublicationKind.GOALS: PrintKind.PLAN, PublicationKind.RESULTS: PrintKind.YEAR_END}


@dataclass
class PublishReport:
    published: list[Publication] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # departments already published as is
    refused: list[str] = field(default_factory=list)  # why a department was not published


def site_version_bump() -> None:
    """Every cached public page becomes stale (called inside the write's transaction)."""
    now = round(timezone.now().timestamp() * 1_000_000)
    updated = PublicSiteState.objects.filter(pk=1).update(version=F("version") + 1, changed_us=now)
    if not updated:
        PublicSiteState.objects.create(pk=1, version=1, changed_us=now)


def _kind(kind: str) -> PublicationKind:
    if kind not in PublicationKind.values:
        raise ValidationError("公表の種類が正しくありません。")
    return PublicationKind(kind)


def _departments(fiscal_year: FiscalYear, departments) -> list[Department]:
    if departments is not None:
        return list(departments)
    with_sheets = GoalSheet.objects.filter(fiscal_year=fiscal_year).values("department_id")
    return list(Department.objects.filter(pk__in=with_sheets).order_by("display_order", "name"))


def _accepted_snapshot(sheet: GoalSheet) -> SheetSnapshot:
    """The sheet's accepted version. A sheet accepted outside this application (imported) has
    none yet: it is kept as its first version now, as a revision would (goals' sheet_revise)."""
    snapshot = sheet.snapshots.order_by("-number").first()
    if snapshot is not None:
        return snapshot
    last = sheet.snapshots.aggregate(last=Max("number"))["last"] or 0
    snapshot = SheetSnapshot(
        sheet=sheet,
        number=last + 1,
        accepted_at=sheet.accepted_at or sheet.updated_at,
        accepted_by=None,
        data=sheet_snapshot_data(sheet),
    )
    snapshot.full_clean()
    snapshot.save()
    return snapshot


def _frozen_data(sheet: GoalSheet, snapshot: SheetSnapshot, kind: PublicationKind) -> dict:
    """The accepted version's content and, for 達成状況, the year-end results per row."""
    if sheet_snapshot_data(sheet) != snapshot.data:
        raise ValidationError(
            f"{sheet.department.name}: 整理表の現在の内容が承認版（第{snapshot.number}版）と"
            "一致しないため公表できません。見直して承認し直してください。"
        )
    data = dict(snapshot.data)
    data["kind"] = kind.value
    data["snapshot_number"] = snapshot.number
    if kind == PublicationKind.RESULTS:
        statuses = achievement_status_by_item(sheet=sheet)
        items = list(sheet.items.order_by("position", "id").values_list("pk", flat=True))
        data["statuses"] = [statuses.get(pk, []) for pk in items]
        if not any(data["statuses"]):
            raise ValidationError(
                f"{sheet.department.name}: 年度末確認の達成状況がまだ確定していないため"
                "公表できません（部長の確認が済んだものだけを公表します）。"
            )
    return data


def _current(fiscal_year, department, kind) -> Publication | None:
    return (
        Publication.objects.filter(
            fiscal_year=fiscal_year, department=department, kind=kind, withdrawn_at__isnull=True
        )
        .order_by("-published_at", "-id")
        .first()
    )


def _publish_one(*, fiscal_year, department, kind, user, report: PublishReport) -> None:
    label = department.name
    sheet = (
        GoalSheet.objects.select_for_update()
        .select_related("fiscal_year", "department")
        .filter(fiscal_year=fiscal_year, department=department)
        .first()
    )
    if sheet is None:
        report.refused.append(f"{label}: {fiscal_year.label}の整理表がありません。")
        return
    if sheet.status != SheetStatus.ACCEPTED:
        report.refused.append(
            f"{label}: 整理表が「{sheet.get_status_display()}」のため公表できません"
            "（公表できるのは承認済みの整理表だけです）。"
        )
        return
    try:
        snapshot = _accepted_snapshot(sheet)
        data = _frozen_data(sheet, snapshot, kind)
    except ValidationError as error:
        report.refused.extend(error.messages)
        return
    current = _current(fiscal_year, department, kind)
    if current is not None and current.data == data:
        report.unchanged.append(label)
        return
    try:
        filename, _, content = pdf.sheet_pdf(sheet, PRINT_KINDS[kind])
    except pdf.PdfRenderError as error:
        report.refused.append(f"{label}: {error}")
        return
    publication = Publication(
        fiscal_year=fiscal_year,
        department=department,
        kind=kind,
        sheet=sheet,
        snapshot=snapshot,
        data=data,
        pdf=content,
        pdf_filename=filename,
        published_at=timezone.now(),
        published_by=user if user is not None and user.is_authenticated else None,
    )
    publication.full_clean()
    publication.save()
    changes = {"種類": kind.label, "承認版": f"第{snapshot.number}版"}
    if current is not None:
        changes["以前の公表"] = timezone.localtime(current.published_at).strftime("%Y-%m-%d %H:%M")
    if publication.revision_label:
        changes["見直し"] = publication.revision_label
    changelog_record(
        sheet=sheet, target=publication, action="publication.published", user=user, changes=changes
    )
    report.published.append(publication)


@transaction.atomic
def publication_publish(
    *, fiscal_year: FiscalYear, kind: str, departments=None, user
) -> PublishReport:
    """Publish the accepted sheets (目標) or the year-end results (達成状況) of a year: every
    department that has a sheet (`departments=None`) or those given.

    A department whose current publication already shows exactly this is left as it is; one that
    cannot be published (no sheet, not accepted, no confirmed results) is reported. When nothing
    at all could be published, ValidationError with the reasons.
    """
    kind = _kind(kind)
    report = PublishReport()
    targets = _departments(fiscal_year, departments)
    for department in targets:
        _publish_one(
            fiscal_year=fiscal_year, department=department, kind=kind, user=user, report=report
        )
    if report.published:
        site_version_bump()
    elif not report.unchanged:
        raise ValidationError(report.refused or [f"{fiscal_year.label}の整理表がありません。"])
    return report


@transaction.atomic
def publication_unpublish(
    *, fiscal_year: FiscalYear, kind: str, departments=None, user
) -> list[Publication]:
    """Withdraw from the public site at once every version of the departments' (every
    department's, `departments=None`) sheets of that year and kind. The records stay."""
    kind = _kind(kind)
    public = Publication.objects.select_for_update(of=("self",)).filter(
        fiscal_year=fiscal_year, kind=kind, withdrawn_at__isnull=True
    )
    if departments is not None:
        public = public.filter(department__in=list(departments))
    withdrawn = list(public.select_related("department", "sheet").order_by("department_id", "id"))
    if not withdrawn:
        raise ValidationError(f"{fiscal_year.label}の{kind.label}で公表中のものはありません。")
    now = timezone.now()
    by_department: dict[int, list[Publication]] = {}
    for publication in withdrawn:
        publication.withdrawn_at = now
        publication.withdrawn_by = user if user is not None and user.is_authenticated else None
        publication.full_clean(exclude=["pdf"])
        publication.save(update_fields=["withdrawn_at", "withdrawn_by"])
        by_department.setdefault(publication.department_id, []).append(publication)
    for publications in by_department.values():
        latest = publications[-1]
        changelog_record(
            sheet=latest.sheet,
            target=latest,
            action="publication.withdrawn",
            user=user,
            changes={"種類": kind.label, "取り消した版の数": len(publications)},
        )
    site_version_bump()
    return withdrawn
