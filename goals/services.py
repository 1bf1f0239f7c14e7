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


# The whole city's PDF (branch pdf) ----------------------------------------------------------

# A job queued or running longer than this is taken as lost (its worker died) and may be started
# again.
CITY_PDF_JOB_STALE_AFTER = datetime.timedelta(minutes=30)
# Finished jobs kept per year and kind (with their files); older ones are removed.
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

    try:
        _, _, data = pdf.city_pdf(job.fiscal_year, job.kind, progress=progress)
    except Exception as error:
        if not isinstance(error, pdf.PdfRenderError):
            logging.getLogger(__name__).exception("city PDF %s failed", job.pk)
        job.status = CityPdfJob.Status.FAILED
        job.error = str(error) if isinstance(error, pdf.PdfRenderError) else pdf.RENDER_FAILED
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        return
    job.refresh_from_db(fields=["departments_done", "departments_total"])
    job.file.save(f"{job.fiscal_year.year}_{job.kind}_{job.pk}.pdf", ContentFile(data), save=False)
    job.page_count = pdf.page_count(data)
    job.status = CityPdfJob.Status.DONE
    job.stage = ""
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "page_count", "status", "stage", "finished_at"])
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
