"""Reads for the public site and the planning staff's publication pages.

Everything the public sees comes from `Publication.data`, the copy frozen when it was published:
never from the live sheet, its items or its reviews.
"""

import datetime
import threading
import unicodedata
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone

from core.wareki import fiscal_year_label
from departments.models import Department
from goals.models import FiscalYear, GoalSheet, SheetSnapshot
from goals.selectors import snapshot_rows
from publication.models import Publication, PublicationKind, PublicSiteState

KIND_SLUGS = {kind.value: kind for kind in PublicationKind}


# The public site's version (cache keys, ETag, Last-Modified) ---------------------------------


@dataclass(frozen=True)
class SiteVersion:
    number: int
    changed_at: datetime.datetime | None

    @property
    def key(self) -> str:
        """Unique to this state of the site, also across a database restored from a backup
        (which may bring a lower number back) and across test databases."""
        stamp = self.changed_at.timestamp() if self.changed_at else 0
        return f"{self.number}.{stamp:.6f}"


# Our own table's name, not input.
_SITE_VERSION_SQL = f"SELECT version, changed_us FROM {PublicSiteState._meta.db_table} WHERE id = 1"  # noqa: S608


def site_version() -> SiteVersion:
    """One primary-key read of the counter publish and unpublish bump (raw SQL: it runs on
    every public request, where the ORM's compiling would cost more than the query)."""
    with connection.cursor() as cursor:
        cursor.execute(_SITE_VERSION_SQL)
        state = cursor.fetchone()
    if state is None:
        return SiteVersion(0, None)
    number, changed_us = state
    changed_at = datetime.datetime.fromtimestamp(changed_us / 1_000_000, tz=datetime.UTC)
    return SiteVersion(number, changed_at)


# Published versions --------------------------------------------------------------------------


def _public():
    return Publication.objects.filter(withdrawn_at__isnull=True).select_related(
        "fiscal_year", "department"
    )


def publications_current(*, year: int | None = None, kind: str | None = None) -> list[Publication]:
    """The latest public version of each (year, kind, department), in the printed order."""
    queryset = _public().defer("pdf")
    if year is not None:
        queryset = queryset.filter(fiscal_year__year=year)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    latest: dict[tuple[int, str, int], Publication] = {}
    for publication in queryset.order_by("-published_at", "-id"):
        key = (publication.fiscal_year_id, publication.kind, publication.department_id)
        latest.setdefault(key, publication)
    return sorted(
        latest.values(),
        key=lambda p: (
            -p.fiscal_year.year,
            list(KIND_SLUGS).index(p.kind),
            p.department.display_order,
            p.department.name,
        ),
    )


def publication_versions(*, year: int, kind: str, department_id: int) -> list[Publication]:
    """Every public version of a department's sheet, newest first (the first is current)."""
    return list(
        _public()
        .defer("pdf")
        .filter(fiscal_year__year=year, kind=kind, department_id=department_id)
        .order_by("-published_at", "-id")
    )


def publication_public(*, pk: int) -> Publication | None:
    return _public().filter(pk=pk).first()


def publication_pdf(*, pk: int) -> Publication | None:
    """With its PDF bytes: only a version still public."""
    return _public().filter(pk=pk).first()


@dataclass
class YearEntry:
    year: int
    label: str
    goals: list[Publication] = field(default_factory=list)
    results: list[Publication] = field(default_factory=list)

    @property
    def last_published_at(self):
        return max(p.published_at for p in [*self.goals, *self.results])


def public_years() -> list[YearEntry]:
    """Published years, newest first, with their current publications by kind."""
    years: dict[int, YearEntry] = {}
    for publication in publications_current():
        year = publication.fiscal_year.year
        entry = years.setdefault(year, YearEntry(year=year, label=fiscal_year_label(year)))
        getattr(entry, publication.kind).append(publication)
    return list(years.values())


def public_year(year: int) -> YearEntry | None:
    for entry in public_years():
        if entry.year == year:
            return entry
    return None


# A published sheet as rows -------------------------------------------------------------------


@dataclass
class PublicRow:
    position: int
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
    deadline: str
    carriers: list[str]
    status: list[str]


@dataclass
class NumberGroup:
    """Rows sharing one 番号: one <tbody>, the 番号 heading the group."""

    number: int
    rows: list[PublicRow]


def publication_rows(data: dict) -> list[PublicRow]:
    statuses = data.get("statuses") or []
    rows = []
    for position, row in enumerate(snapshot_rows(data)):
        rows.append(
            PublicRow(
                position=position,
                number=row.item.number,
                number_span=row.number_span,
                title=row.title,
                title_span=row.title_span,
                category=row.item.category,
                achievement=row.achievement,
                achievement_as_prose=row.achievement_as_prose,
                achievement_span=row.achievement_span,
                method=row.method,
                method_as_prose=row.item.method_as_prose,
                deadline=row.item.deadline,
                carriers=row.carriers,
                status=list(statuses[position]) if position < len(statuses) else [],
            )
        )
    return rows


def publication_groups(data: dict) -> list[NumberGroup]:
    groups: list[NumberGroup] = []
    for row in publication_rows(data):
        if row.number_span == 0 and groups:
            groups[-1].rows.append(row)
        else:
            groups.append(NumberGroup(number=row.number, rows=[row]))
    return groups


# Open data -------------------------------------------------------------------------------------

# (JSON key, CSV heading, what it holds): the documented columns, in order.
OPEN_DATA_COLUMNS = [
    ("fiscal_year", "年度（西暦）", "年度の始まる年。2026 は令和8年度（2026年4月〜2027年3月）"),
    ("fiscal_year_label", "年度", "和暦の年度。例: 令和8年度"),
    ("kind", "種類", "目標（年度当初の整理表）または達成状況（年度末の結果つき）"),
    ("department", "部", "部の名称"),
    ("row", "行", "整理表の中の行の順番（1から）"),
    ("number", "番号", "実施項目の番号。同じ番号の行は一つの項目のまとまり"),
    ("title", "実施項目", "業務目標又は事務の内容。上の行から続く行にも同じ文を入れています"),
    ("category", "計画・方針等の分類", "例: 施政方針、総合ビジョン、個別計画、行政改革"),
    ("achievement", "達成水準", "どの水準まで（達成水準又は遂行後の状態等）。箇条書きは1行に1つ"),
    ("method", "方法", "どのような方法で（目標等を達成するための取組の内容等）。1行に1つ"),
    ("deadline", "期限", "いつまで（期限）。例: 12月、年度末、随時"),
    ("sections", "共通/課名", "共通（部全体）または担当する課。複数の課は「、」区切り"),
    ("achievement_status", "達成状況", "年度末の達成状況（種類が達成状況のときだけ）"),
    ("date_line", "作成日・見直し日", "整理表の作成日と見直し日（和暦）"),
    ("published_on", "公表日", "この版を公表した日（西暦、YYYY-MM-DD）"),
]


def _lines(bullets: list[str], prose: bool) -> list[str]:
    return list(bullets) if prose else [f"・{line}" for line in bullets]


def open_data_records(*, year: int, kind: str) -> list[dict]:
    """One record per row of every department's current public version of that year and kind."""
    records = []
    for publication in publications_current(year=year, kind=kind):
        data = publication.data
        for row in publication_rows(data):
            records.append(
                {
                    "fiscal_year": year,
                    "fiscal_year_label": fiscal_year_label(year),
                    "kind": publication.get_kind_display(),
                    "department": publication.department.name,
                    "row": row.position + 1,
                    "number": row.number,
                    "title": row.title,
                    "category": row.category,
                    "achievement": _lines(row.achievement, row.achievement_as_prose),
                    "method": _lines(row.method, row.method_as_prose),
                    "deadline": row.deadline,
                    "sections": list(row.carriers),
                    "achievement_status": list(row.status),
                    "date_line": data.get("date_line", ""),
                    "published_on": timezone.localdate(publication.published_at).isoformat(),
                }
            )
    return records


# Search ----------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """What both sides of a search are compared as: ＡＢＣ１２ and abc12 alike (NFKC, casefold)."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass
class SearchRecord:
    year: int
    year_label: str
    kind: str
    kind_label: str
    department_id: int
    department: str
    row: int
    number: int
    title: str
    category: str
    achievement: list[str]
    method: list[str]
    deadline: str
    carriers: list[str]
    status: list[str]
    publication_id: int
    haystack: str


_index_lock = threading.Lock()
_index: dict[str, list[SearchRecord]] = {}


def _build_index() -> list[SearchRecord]:
    records = []
    for publication in publications_current():
        year = publication.fiscal_year.year
        for row in publication_rows(publication.data):
            texts = [
                publication.department.name,
                row.title,
                row.category,
                *row.achievement,
                *row.method,
                row.deadline,
                *row.carriers,
                *row.status,
            ]
            records.append(
                SearchRecord(
                    year=year,
                    year_label=fiscal_year_label(year),
                    kind=publication.kind,
                    kind_label=publication.get_kind_display(),
                    department_id=publication.department_id,
                    department=publication.department.name,
                    row=row.position + 1,
                    number=row.number,
                    title=row.title,
                    category=row.category,
                    achievement=row.achievement,
                    method=row.method,
                    deadline=row.deadline,
                    carriers=row.carriers,
                    status=row.status,
                    publication_id=publication.pk,
                    haystack=normalise("\n".join(texts)),
                )
            )
    return records


def search_index(version: str) -> list[SearchRecord]:
    """Every row of every current publication, normalised once per site version and process."""
    with _index_lock:
        records = _index.get(version)
        if records is None:
            records = _build_index()
            _index.clear()
            _index[version] = records
        return records


SEARCH_LIMIT = 200


@dataclass
class SearchResult:
    records: list[SearchRecord]
    total: int


def public_search(
    *,
    version: str,
    words: str = "",
    department_id: int | None = None,
    category: str = "",
    year: int | None = None,
) -> SearchResult:
    terms = normalise(words).split()
    category_key = normalise(category)
    found = [
        record
        for record in search_index(version)
        if (department_id is None or record.department_id == department_id)
        and (year is None or record.year == year)
        and (not category_key or normalise(record.category) == category_key)
        and all(term in record.haystack for term in terms)
    ]
    return SearchResult(records=found[:SEARCH_LIMIT], total=len(found))


def search_choices(version: str) -> tuple[list[tuple[int, str]], list[str], list[tuple[int, str]]]:
    """Departments, categories and years that occur in what is published."""
    departments: dict[int, str] = {}
    categories: list[str] = []
    years: dict[int, str] = {}
    for record in search_index(version):
        departments.setdefault(record.department_id, record.department)
        if record.category and record.category not in categories:
            categories.append(record.category)
        years.setdefault(record.year, record.year_label)
    order = {
        pk: position
        for position, pk in enumerate(
            Department.objects.filter(pk__in=departments).values_list("pk", flat=True)
        )
    }
    return (
        sorted(departments.items(), key=lambda item: order.get(item[0], 0)),
        categories,
        sorted(years.items(), reverse=True),
    )


# The Atom feed -----------------------------------------------------------------------------------


def feed_publications(limit: int = 50) -> list[Publication]:
    return list(_public().defer("pdf").order_by("-published_at", "-id")[:limit])


# The planning staff's page ---------------------------------------------------------------------


@dataclass
class ManageRow:
    department: Department
    sheet: GoalSheet | None
    latest_snapshot: SheetSnapshot | None
    goals: Publication | None
    results: Publication | None

    @property
    def accepted(self) -> bool:
        return self.sheet is not None and self.sheet.status == "accepted"

    def current(self, kind: str) -> Publication | None:
        return getattr(self, kind)

    def goals_outdated(self) -> bool:
        """Accepted again since it was published: publishing again would add a version."""
        return bool(
            self.goals
            and self.accepted
            and self.latest_snapshot
            and self.latest_snapshot.number != self.goals.snapshot_number
        )


def manage_rows(*, fiscal_year: FiscalYear) -> list[ManageRow]:
    sheets = {
        sheet.department_id: sheet
        for sheet in GoalSheet.objects.filter(fiscal_year=fiscal_year).prefetch_related(
            Prefetch("snapshots", queryset=SheetSnapshot.objects.defer("data").order_by("-number"))
        )
    }
    current = {(p.kind, p.department_id): p for p in publications_current(year=fiscal_year.year)}
    departments = Department.objects.filter(pk__in=sheets) | Department.objects.active_in(
        fiscal_year.year
    )
    rows = []
    for department in departments.distinct().order_by("display_order", "name"):
        sheet = sheets.get(department.pk)
        snapshots = list(sheet.snapshots.all()) if sheet else []
        rows.append(
            ManageRow(
                department=department,
                sheet=sheet,
                latest_snapshot=snapshots[0] if snapshots else None,
                goals=current.get((PublicationKind.GOALS, department.pk)),
                results=current.get((PublicationKind.RESULTS, department.pk)),
            )
        )
    return rows


def fiscal_years_for_publication() -> list[FiscalYear]:
    return list(FiscalYear.objects.order_by("-year"))
