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
    Paragraph,
    _blocks,
    _department_sections,
    _pending,
    _share,
    _spans,
    _with_content,
    paragraphs,
    unbreakable_chunks,
    width_for,
)
from reviews.models import Stage
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
        Column("番号", 9),
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
            width_for((name for r in rows for name in r.carriers), low=16, high=30),
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


def _document_title(sheet: GoalSheet, kind: str) -> str:
    suffix = {PrintKind.YEAR_END: " 達成状況", PrintKind.MID_YEAR: " 中間確認"}.get(kind, "")
    return f"{sheet.title} {sheet.department.name}{suffix}"


def sheet_html(sheet: GoalSheet, kind: str = PrintKind.PLAN, *, bundled: bool = False) -> str:
    """The department sheet as HTML for the renderer (`kind`: plan, year_end, mid_year)."""
    if kind not in PrintKind.values:
        raise ValueError(f"unknown kind {kind!r}")
    sheet = _with_content(sheet)
    if kind == PrintKind.MID_YEAR:
        return _mid_year_html(sheet, bundled=bundled)
    year_end = kind == PrintKind.YEAR_END
    statuses = achievement_status_by_item(sheet=sheet) if year_end else {}
    rows = _plan_rows(sheet, statuses)
    return render_to_string(
        "pdf/sheet.html",
        {
            "document_title": _document_title(sheet, kind),
            "title": sheet.title,
            "date_line": sheet_date_line(sheet),
            "signers": list(sheet.signers.all()),
            "columns": _plan_columns(rows, year_end=year_end),
            "blocks": _blocks(rows, PLAN_SPANS),
            "year_end": year_end,
            "bundled": bundled,
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


def _status_rows(sheet: GoalSheet) -> list[StatusRow]:
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
                    mark=review.progress_mark.symbol if review and review.progress_mark else "",
                    first_half=paragraphs(review.first_half_status) if review else [],
                    second_half=paragraphs(review.second_half_plan) if review else [],
                    pending=_pending(review) if review else "（未記入）",
                )
            )
    _spans(rows, lambda row: row.number, "number_span")
    _spans(rows, lambda row: row.title_anchor, "title_span")
    _spans(rows, lambda row: row.item_id, "deadline_span")
    return rows


def _mid_year_html(sheet: GoalSheet, *, bundled: bool) -> str:
    rows = _status_rows(sheet)
    fixed = [
        Column("番号", 9),
        Column("実施項目\n（業務目標又は事務の内容）", 44),
        Column(
            "いつまで\n（期限）",
            width_for((c for r in rows for c in r.deadline), low=13, high=22),
        ),
        Column("共通/課名", width_for((r.carrier for r in rows), low=16, high=30)),
        Column("進捗\n状況", 11),
    ]
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
        },
    )
