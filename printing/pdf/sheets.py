"""The department sheet (plan and year-end) and the mid-year status sheet."""

from dataclasses import dataclass, field

from django.template.loader import render_to_string

from departments.models import Section
from goals.models import GoalSheet, PrintKind
from goals.selectors import (
    COMMON_LABEL,
    sheet_date_line,
    sheet_rows,
)
from printing.pdf.layout import (
    A4_LANDSCAPE_WIDTH_MM,
    Column,
    Line,
    Paragraph,
    _blocks,
    _department_sections,
    _pending,
    _share,
    _spans,
    _with_content,
    draft_mark,
    lines_in,
    name_chunks,
    name_lines,
    number_width,
    paragraphs,
    unbreakable_chunks,
    width_for,
)
from reviews.models import ReviewStatus, Stage
from reviews.selectors import achievement_status_by_item, reviewers_due, reviews_of_sheet

# The department sheet: plan and year-end ---------------------------------------------------


@dataclass
class PlanRow:
    number: int
    number_span: int
    title: str
    title_span: int
    category: str
    achievement: list[str]
    achievement_as_prose: bool
    achievement_span: int
    method: list[str]
    method_as_prose: bool
    deadline: list[str]
    carriers: list[str]
    status: list[list[str]] = field(default_factory=list)  # lines of unbreakable chunks
    # As printed, once the columns' widths are known (`_fit_plan_rows`).
    deadline_lines: list[Line] = field(default_factory=list)
    carrier_lines: list[Line] = field(default_factory=list)
    status_lines: list[Line] = field(default_factory=list)


PLAN_SPANS = ("number_span", "title_span", "achievement_span")


def _plan_rows(sheet: GoalSheet, statuses: dict[int, list[str]]) -> list[PlanRow]:
    return [
        PlanRow(
            number=row.item.number,
            number_span=row.number_span,
            title=row.title,
            title_span=row.title_span,
            category=row.item.category.name if row.item.category else "",
            achievement=row.achievement,
            achievement_as_prose=row.achievement_as_prose,
            achievement_span=row.achievement_span,
            method=row.method,
            method_as_prose=row.item.method_as_prose,
            deadline=unbreakable_chunks(row.item.deadline),
            carriers=row.carriers,
            status=[unbreakable_chunks(line) for line in statuses.get(row.item.pk, [])],
        )
        for row in sheet_rows(sheet.items.all())
    ]


def _plan_columns(rows: list[PlanRow], *, year_end: bool) -> list[Column]:
    fixed = [
        Column("番号", number_width(r.number for r in rows)),
        Column("実施項目\n（業務目標又は事務の内容）", 38),
        Column("計画・方針\n等の分類", width_for((r.category for r in rows), low=16, high=27)),
    ]
    tail = [
        Column(
            "いつまで\n（期限）",
            width_for((c for r in rows for c in r.deadline), low=13, high=22),
        ),
        Column(
            "共通/課名",
            width_for(
                (chunk for r in rows for name in r.carriers for chunk in name_chunks(name)),
                low=16,
                high=30,
            ),
        ),
    ]
    if year_end:
        tail.append(
            Column(
                "達成状況",
                width_for((c for r in rows for line in r.status for c in line), low=20, high=34),
            )
        )
    flexible = _share(
        A4_LANDSCAPE_WIDTH_MM,
        fixed + tail,
        [
            ("どの水準まで\n（達成水準又は遂行後の状態等）", 0.47),
            ("どのような方法で\n（目標等を達成するための取組の内容等）", 0.53),
        ],
    )
    return fixed + flexible + tail


def _fit_plan_rows(rows: list[PlanRow], columns: list[Column]) -> None:
    """Which pieces print unbroken: those that fit their column (期限, 共通/課名, 達成状況)."""
    deadline, carriers = columns[5].width, columns[6].width
    status = columns[7].width if len(columns) > 7 else 0
    for row in rows:
        row.deadline_lines = lines_in([row.deadline], deadline)
        row.carrier_lines = name_lines(row.carriers, carriers)
        row.status_lines = lines_in(row.status, status)


def _document_title(sheet: GoalSheet, kind: str) -> str:
    suffix = {PrintKind.YEAR_END: " 達成状況", PrintKind.MID_YEAR: " 中間確認"}.get(kind, "")
    return f"{sheet.title} {sheet.department.name}{suffix}"


def sheet_html(
    sheet: GoalSheet,
    kind: str = PrintKind.PLAN,
    *,
    bundled: bool = False,
    include_drafts: bool = False,
) -> str:
    """The department sheet as HTML for the renderer (`kind`: plan, year_end, mid_year).
    The mid-year sheet prints draft reviews only with `include_drafts` (otherwise: 作成中)."""
    if kind not in PrintKind.values:
        raise ValueError(f"unknown kind {kind!r}")
    sheet = _with_content(sheet)
    if kind == PrintKind.MID_YEAR:
        return _mid_year_html(sheet, bundled=bundled, include_drafts=include_drafts)
    year_end = kind == PrintKind.YEAR_END
    statuses = achievement_status_by_item(sheet=sheet) if year_end else {}
    rows = _plan_rows(sheet, statuses)
    columns = _plan_columns(rows, year_end=year_end)
    _fit_plan_rows(rows, columns)
    return render_to_string(
        "pdf/sheet.html",
        {
            "document_title": _document_title(sheet, kind),
            "title": sheet.title,
            "date_line": sheet_date_line(sheet),
            "signers": list(sheet.signers.all()),
            "columns": columns,
            "blocks": _blocks(rows, PLAN_SPANS),
            "year_end": year_end,
            "bundled": bundled,
            "department_name": sheet.department.name,
            "draft_mark": draft_mark(sheet),
        },
    )


# The mid-year status sheet -----------------------------------------------------------------


@dataclass
class StatusRow:
    item_id: int
    number: int
    title_anchor: int
    title: str
    deadline: list[str]
    carrier: str
    mark: str
    first_half: list[Paragraph]
    second_half: list[Paragraph]
    pending: str
    number_span: int = 1
    title_span: int = 1
    deadline_span: int = 1
    deadline_lines: list[Line] = field(default_factory=list)
    carrier_lines: list[Line] = field(default_factory=list)


STATUS_SPANS = ("number_span", "title_span", "deadline_span")


def _reviewed_by(reviews: dict[tuple[int, int | None], object]) -> dict[int, list[int | None]]:
    """Per item, who already wrote a review (keys of `reviews_of_sheet`)."""
    by_item: dict[int, list[int | None]] = {}
    for item_id, section_id in reviews:
        by_item.setdefault(item_id, []).append(section_id)
    return by_item


def _reviewer_ids(item, reviewed_by: dict[int, list[int | None]]) -> list[int | None]:
    """The one rule of who files an item's review (`reviews.selectors.reviewers_due`)."""
    return reviewers_due(
        is_common=item.is_common,
        common_reviewer_section_id=item.common_reviewer_section_id,
        carrier_section_ids=[carrier.section_id for carrier in item.carriers.all()],
        reviewed_by=reviewed_by.get(item.pk, ()),
    )


def review_sections(item, sections: dict[int, Section], reviewed_by) -> list[Section | None]:
    """Who reviews an item: each section carrying it, or for a 共通 item the section named to
    review it (None: the department itself)."""
    return [
        None if section_id is None else sections.get(section_id)
        for section_id in _reviewer_ids(item, reviewed_by)
    ]


def _status_rows(sheet: GoalSheet, *, include_drafts: bool = False) -> list[StatusRow]:
    sections = _department_sections(sheet)
    reviews = reviews_of_sheet(sheet=sheet, stage=Stage.MID_YEAR)
    reviewed_by = _reviewed_by(reviews)
    rows: list[StatusRow] = []
    title_anchor = 0
    for index, layout in enumerate(sheet_rows(sheet.items.all())):
        item = layout.item
        if layout.title_span:
            title_anchor = index
        for section in review_sections(item, sections, reviewed_by):
            review = reviews.get((item.pk, section.pk if section else None))
            # A draft is the section's own until submitted: it shows as 作成中, its text only
            # when asked for.
            hidden = review and review.status == ReviewStatus.DRAFT and not include_drafts
            shown = None if hidden else review
            if section is None:
                carrier = COMMON_LABEL if item.is_common else ""
            elif item.is_common:
                carrier = f"{COMMON_LABEL}（{section.name}）"
            else:
                carrier = section.name
            rows.append(
                StatusRow(
                    item_id=item.pk,
                    number=item.number,
                    title_anchor=title_anchor,
                    title=layout.title,
                    deadline=unbreakable_chunks(item.deadline),
                    carrier=carrier,
                    mark=shown.progress_mark.symbol if shown and shown.progress_mark else "",
                    first_half=paragraphs(shown.first_half_status) if shown else [],
                    second_half=paragraphs(shown.second_half_plan) if shown else [],
                    pending=_pending(review) if review else "（未記入）",
                )
            )
    _spans(rows, lambda row: row.number, "number_span")
    _spans(rows, lambda row: row.title_anchor, "title_span")
    _spans(rows, lambda row: row.item_id, "deadline_span")
    return rows


def _mid_year_html(sheet: GoalSheet, *, bundled: bool, include_drafts: bool) -> str:
    rows = _status_rows(sheet, include_drafts=include_drafts)
    fixed = [
        Column("番号", number_width(r.number for r in rows)),
        Column("実施項目\n（業務目標又は事務の内容）", 44),
        Column(
            "いつまで\n（期限）",
            width_for((c for r in rows for c in r.deadline), low=13, high=22),
        ),
        Column(
            "共通/課名",
            width_for((c for r in rows for c in name_chunks(r.carrier)), low=16, high=30),
        ),
        Column("進捗\n状況", 11),
    ]
    for row in rows:
        row.deadline_lines = lines_in([row.deadline], fixed[2].width)
        row.carrier_lines = name_lines([row.carrier], fixed[3].width)
    flexible = _share(
        A4_LANDSCAPE_WIDTH_MM, fixed, [("上半期の状況や評価", 0.5), ("下半期の予定", 0.5)]
    )
    fiscal_year = sheet.fiscal_year
    return render_to_string(
        "pdf/mid_year.html",
        {
            "document_title": _document_title(sheet, PrintKind.MID_YEAR),
            "title": f"{fiscal_year.label} 組織目標展開整理表 中間確認（{sheet.department.name}）",
            "date_line": sheet_date_line(sheet),
            "signers": list(sheet.signers.all()),
            "marks": list(fiscal_year.progress_scale.marks.all()),
            "columns": fixed + flexible,
            "blocks": _blocks(rows, STATUS_SPANS),
            "bundled": bundled,
            "department_name": sheet.department.name,
            "draft_mark": draft_mark(sheet),
        },
    )
