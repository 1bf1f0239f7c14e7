"""The public site, /public/: no login, only what planning staff published (publication.data).

Every view is wrapped by `public_view` (publication/http.py): cached under the site version,
with Cache-Control, ETag and Last-Modified. The views read only through publication.selectors.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from core.wareki import fiscal_year_label
from publication import exports
from publication.http import inline_file, public_render, public_view
from publication.models import Publication, PublicationKind
from publication.selectors import (
    KIND_SLUGS,
    OPEN_DATA_COLUMNS,
    feed_publications,
    public_search,
    public_year,
    public_years,
    publication_groups,
    publication_pdf,
    publication_public,
    publication_versions,
    publications_current,
    search_choices,
)


def _kind_or_404(kind: str) -> PublicationKind:
    if kind not in KIND_SLUGS:
        raise Http404("公表の種類が見つかりません。")
    return KIND_SLUGS[kind]


@public_view()
def index(request: HttpRequest, *, version) -> HttpResponse:
    years = public_years()
    return public_render(
        "public/index.html",
        {"years": years, "recent": feed_publications(limit=10), "page": "index"},
    )


@public_view()
def year(request: HttpRequest, year: int, *, version) -> HttpResponse:
    entry = public_year(year)
    if entry is None:
        raise Http404("この年度はまだ公表されていません。")
    return public_render(
        "public/year.html",
        {"entry": entry, "kinds": PublicationKind, "crumbs": [{"label": entry.label}]},
    )


def _sheet_page(publication: Publication, versions: list[Publication]) -> HttpResponse:
    year_label = fiscal_year_label(publication.fiscal_year.year)
    what = "達成状況" if publication.kind == PublicationKind.RESULTS else "組織目標"
    crumbs = [
        {"label": year_label, "url": reverse("public:year", args=[publication.fiscal_year.year])},
        {"label": f"{publication.department.name}の{what}"},
    ]
    return public_render(
        "public/sheet.html",
        {
            "publication": publication,
            "data": publication.data,
            "groups": publication_groups(publication.data),
            "results": publication.kind == PublicationKind.RESULTS,
            "versions": versions,
            "is_current": bool(versions) and versions[0].pk == publication.pk,
            "year_label": year_label,
            "crumbs": crumbs,
        },
    )


@public_view()
def department(request: HttpRequest, year: int, kind: str, department: int, *, version):
    kind = _kind_or_404(kind)
    versions = publication_versions(year=year, kind=kind, department_id=department)
    if not versions:
        raise Http404("この部の整理表は公表されていません。")
    return _sheet_page(versions[0], versions)


@public_view()
def version_detail(request: HttpRequest, pk: int, *, version) -> HttpResponse:
    publication = publication_public(pk=pk)
    if publication is None:
        raise Http404("この版は公表されていません。")
    versions = publication_versions(
        year=publication.fiscal_year.year,
        kind=publication.kind,
        department_id=publication.department_id,
    )
    return _sheet_page(publication, versions)


def _pdf(publication: Publication | None) -> HttpResponse:
    if publication is None:
        raise Http404("この版は公表されていません。")
    return inline_file(publication.pdf_filename, "application/pdf", bytes(publication.pdf))


@public_view(cached=False)
def department_pdf(request: HttpRequest, year: int, kind: str, department: int, *, version):
    kind = _kind_or_404(kind)
    versions = publication_versions(year=year, kind=kind, department_id=department)
    return _pdf(publication_pdf(pk=versions[0].pk) if versions else None)


@public_view(cached=False)
def version_pdf(request: HttpRequest, pk: int, *, version) -> HttpResponse:
    return _pdf(publication_pdf(pk=pk))


@public_view()
def city_pdf(request: HttpRequest, year: int, kind: str, *, version) -> HttpResponse:
    kind = _kind_or_404(kind)
    current = publications_current(year=year, kind=kind)
    if not current:
        raise Http404("この年度はまだ公表されていません。")
    with_pdf = [publication_pdf(pk=publication.pk) for publication in current]
    exported = exports.city_bundle_pdf(
        year=year, kind=kind, publications=with_pdf, city_name=settings.CITY_NAME
    )
    return inline_file(*exported)


def _open_data(year: int, kind: str, exporter) -> HttpResponse:
    kind = _kind_or_404(kind)
    if not publications_current(year=year, kind=kind):
        raise Http404("この年度はまだ公表されていません。")
    filename, content_type, content = exporter(year=year, kind=kind)
    return inline_file(filename, content_type, content)


@public_view()
def open_data_csv(request: HttpRequest, year: int, kind: str, *, version) -> HttpResponse:
    return _open_data(year, kind, exports.open_data_csv)


@public_view()
def open_data_json(request: HttpRequest, year: int, kind: str, *, version) -> HttpResponse:
    return _open_data(year, kind, exports.open_data_json)


@public_view()
def open_data(request: HttpRequest, *, version) -> HttpResponse:
    return public_render(
        "public/data.html",
        {
            "columns": OPEN_DATA_COLUMNS,
            "years": public_years(),
            "page": "data",
            "crumbs": [{"label": "オープンデータ"}],
        },
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@public_view()
def search(request: HttpRequest, *, version) -> HttpResponse:
    words = request.GET.get("q", "").strip()[:200]
    department_id = _int_or_none(request.GET.get("department"))
    category = request.GET.get("category", "").strip()[:100]
    year = _int_or_none(request.GET.get("year"))
    searched = bool(words or department_id or category or year)
    result = (
        public_search(
            version=version.key,
            words=words,
            department_id=department_id,
            category=category,
            year=year,
        )
        if searched
        else None
    )
    departments, categories, years = search_choices(version.key)
    return public_render(
        "public/search.html",
        {
            "page": "search",
            "crumbs": [{"label": "検索"}],
            "words": words,
            "department_id": department_id,
            "category": category,
            "year": year,
            "result": result,
            "departments": departments,
            "categories": categories,
            "years": years,
        },
    )


class PublicationFeed(Feed):
    feed_type = Atom1Feed
    title = f"{settings.CITY_NAME} 組織目標の公表"
    subtitle = "各部の組織目標と達成状況の公表・見直しのお知らせ"

    def link(self):
        return reverse("public:index")

    def items(self):
        return feed_publications()

    def item_title(self, item: Publication):
        label = f"{fiscal_year_label(item.fiscal_year.year)} {item.department.name}"
        if item.kind == PublicationKind.RESULTS:
            return f"{label}の達成状況を公表しました"
        if item.revision_label:
            return f"{label}の組織目標（{item.revision_label}）を公表しました"
        return f"{label}の組織目標を公表しました"

    def item_description(self, item: Publication):
        return f"{item.data.get('title', '')} {item.data.get('date_line', '')}"

    def item_link(self, item: Publication):
        return reverse("public:version", args=[item.pk])

    def item_pubdate(self, item: Publication):
        return item.published_at

    def item_updateddate(self, item: Publication):
        return item.published_at


_feed = PublicationFeed()


@public_view()
def feed(request: HttpRequest, *, version) -> HttpResponse:
    return _feed(request)
