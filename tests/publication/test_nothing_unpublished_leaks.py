"""Walk every public URL (following the links from /public/), every CSV and JSON, every PDF, and
search for each secret: a draft, an unaccepted revision, an unpublished sheet, a review's own
text must never appear. The PDFs are rendered for real and read back as text."""

import io
import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from pypdf import PdfReader

from departments.models import Department
from publication.models import Publication
from publication.services import publication_publish, publication_unpublish
from tests import factories
from tests.publication.helpers import accept, confirm_year_end, revise

pytestmark = pytest.mark.django_db

PUBLISHED = "公表した版の実施項目"
SECRETS = {
    "revision": "見直し中で未承認の案",
    "draft": "作成中の部の下書き",
    "unpublished": "公表を取り消した部の項目",
    "review_text": "課の総括は公表しない",
}


def _publish(org, kind, department):
    publication_publish(
        fiscal_year=org.fiscal_year, kind=kind, departments=[department], user=org.planner
    )


@pytest.fixture
def city(org):
    # A: published, then revised: the revision (not accepted) carries a secret.
    org.item_a.title = PUBLISHED
    org.item_a.save()
    accept(org.sheet_a, org.planner)
    level = org.fiscal_year.achievement_scale.levels.first()
    review = confirm_year_end(org.item_a, org.section_a1, level)
    review.summary = SECRETS["review_text"]
    review.save()
    _publish(org, "goals", org.dept_a)
    _publish(org, "results", org.dept_a)
    revise(org.sheet_a, org.head_a)
    org.item_a.refresh_from_db()
    org.item_a.title = SECRETS["revision"]
    org.item_a.save()
    factories.GoalItemFactory(sheet=org.sheet_a, position=1, title=SECRETS["revision"] + "2")
    # B: published and then withdrawn.
    org.item_b.title = SECRETS["unpublished"]
    org.item_b.save()
    accept(org.sheet_b, org.planner)
    _publish(org, "goals", org.dept_b)
    publication_unpublish(
        fiscal_year=org.fiscal_year, kind="goals", departments=[org.dept_b], user=org.planner
    )
    # C: a draft, never published (publishing it is refused).
    dept_c = Department.objects.create(name="環境部", head_title="環境部長", display_order=3)
    sheet_c = factories.GoalSheetFactory(fiscal_year=org.fiscal_year, department=dept_c)
    factories.GoalItemFactory(sheet=sheet_c, position=0, title=SECRETS["draft"])
    return org


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(content))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    return content.decode("utf-8-sig")


def _walk(client, start: list[str]) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = deque(start)
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = _text(response)
        if response["Content-Type"].startswith("text/html"):
            for href in re.findall(r'href="([^"#]+)', seen[url]):
                path = urlsplit(href).path
                if path.startswith("/public/") and href not in seen:
                    queue.append(href.replace("&amp;", "&"))
    return seen


def test_no_public_url_shows_what_was_not_published(city, client):
    org = city
    year = org.fiscal_year.year
    searches = [f"{reverse('public:search')}?q={word}" for word in [*SECRETS.values(), "部"]]
    data = [
        reverse(name, args=[year, kind])
        for name in ("public:csv", "public:json")
        for kind in ("goals", "results")
    ]
    pages = _walk(client, [reverse("public:index"), *searches, *data])
    # The walk reached the sheets, both kinds, the PDFs, the bundle and the open data.
    assert any("/versions/" in url and url.endswith("/pdf/") for url in pages)
    assert reverse("public:city_pdf", args=[year, "goals"]) in pages
    assert reverse("public:department", args=[year, "results", org.dept_a.pk]) in pages
    assert len(pages) > 15
    for url, text in pages.items():
        if url.startswith(reverse("public:search")):
            # The page repeats the words searched for (title, input): leave those out.
            text = re.sub(r'<title>.*?</title>|value="[^"]*"|<h1>.*?</h1>', "", text, flags=re.S)
            if "?q=" in url and "部" not in url:
                assert "検索結果 0件" in text, url
        for name, secret in SECRETS.items():
            assert secret not in text, f"{name} が {url} に出ています"
    sheet_page = pages[reverse("public:department", args=[year, "goals", org.dept_a.pk])]
    assert PUBLISHED in sheet_page
    pdf_text = pages[reverse("public:department_pdf", args=[year, "goals", org.dept_a.pk])]
    assert "実施項目" in pdf_text.replace(" ", "")


@pytest.mark.parametrize(
    "url",
    [
        lambda org, dept_c: reverse(
            "public:department", args=[org.fiscal_year.year, "goals", org.dept_b.pk]
        ),
        lambda org, dept_c: reverse(
            "public:department_pdf", args=[org.fiscal_year.year, "goals", org.dept_b.pk]
        ),
        lambda org, dept_c: reverse(
            "public:department", args=[org.fiscal_year.year, "goals", dept_c.pk]
        ),
        lambda org, dept_c: reverse(
            "public:department", args=[org.fiscal_year.year, "drafts", org.dept_a.pk]
        ),
    ],
)
def test_unpublished_and_draft_sheets_are_not_found(city, client, url):
    dept_c = Department.objects.get(name="環境部")
    assert client.get(url(city, dept_c)).status_code == 404


def test_a_withdrawn_version_is_not_found(city, client):
    withdrawn = Publication.objects.get(department=city.dept_b)
    assert client.get(reverse("public:version", args=[withdrawn.pk])).status_code == 404
    assert client.get(reverse("public:version_pdf", args=[withdrawn.pk])).status_code == 404
