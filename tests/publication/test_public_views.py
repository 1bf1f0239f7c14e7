import json
import re

import pytest
from django.urls import reverse

from publication.exports import _cell
from publication.services import publication_unpublish
from tests.publication.helpers import accept, confirm_year_end, publish
from tests.publication.helpers import revise as revise_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(org):
    accept(org.sheet_a, org.planner)
    publish(org, departments=[org.dept_a])
    return org


def department_url(org, kind="goals", department=None):
    department = department or org.dept_a
    return reverse("public:department", args=[org.fiscal_year.year, kind, department.pk])


def test_publish_public_page_unpublish(published, client):
    org = published
    response = client.get(reverse("public:index"))
    assert response.status_code == 200
    assert org.fiscal_year.label in response.content.decode()
    year_page = client.get(reverse("public:year", args=[org.fiscal_year.year])).content.decode()
    assert "市民部" in year_page and "福祉部" not in year_page
    page = client.get(department_url(org))
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r"<h1>市民部の組織目標（令和\d+年度）</h1>", html)
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert '<ul class="bullets"><li>達成水準の一つ目</li>' in html
    assert org.item_a.title in html
    assert client.get(department_url(org, department=org.dept_b)).status_code == 404

    publication_unpublish(fiscal_year=org.fiscal_year, kind="goals", user=org.planner)
    assert client.get(department_url(org)).status_code == 404
    assert client.get(reverse("public:year", args=[org.fiscal_year.year])).status_code == 404
    assert org.item_a.title not in client.get(reverse("public:index")).content.decode()


def test_public_pages_are_cacheable_and_answer_conditional_gets(published, client):
    url = department_url(published)
    response = client.get(url)
    assert response["Cache-Control"].startswith("public, max-age=")
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    # Publishing or unpublishing changes the version: the old ETag no longer matches.
    publication_unpublish(fiscal_year=published.fiscal_year, kind="goals", user=published.planner)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_the_cache_is_invalidated_on_publish(published, client):
    org = published
    url = reverse("public:year", args=[org.fiscal_year.year])
    assert "福祉部" not in client.get(url).content.decode()
    accept(org.sheet_b, org.planner)
    publish(org, departments=[org.dept_b])
    assert "福祉部" in client.get(url).content.decode()


def test_a_signed_in_user_gets_the_same_public_page(published, client):
    anonymous = client.get(department_url(published)).content
    client.force_login(published.head_a)
    signed_in = client.get(department_url(published))
    assert signed_in.content == anonymous
    # Nothing of the visitor is in it: shareable, not the staff pages' `private, no-store`.
    assert signed_in["Cache-Control"].startswith("public")


def test_pdfs_of_the_sheet_and_the_city(published, client):
    org = published
    pdf = client.get(
        reverse("public:department_pdf", args=[org.fiscal_year.year, "goals", org.dept_a.pk])
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    city = client.get(reverse("public:city_pdf", args=[org.fiscal_year.year, "goals"]))
    assert city.status_code == 200 and city.content.startswith(b"%PDF")
    assert (
        client.get(reverse("public:city_pdf", args=[org.fiscal_year.year, "results"])).status_code
        == 404
    )


def test_csv_is_utf8_with_bom_and_neutralises_formulas(published, client):
    org = published
    org.sheet_a.refresh_from_db()
    response = client.get(reverse("public:csv", args=[org.fiscal_year.year, "goals"]))
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("年度（西暦）,年度,種類,部,行,番号,実施項目")
    assert '"・達成水準の一つ目\n・達成水準の二つ目"' in text


def test_formula_cells_are_neutralised():
    assert _cell("=1+2") == "'=1+2"
    assert _cell(["-5%", "ok"]) == "'-5%\nok"
    assert _cell("普通の文") == "普通の文"


def test_json_has_one_record_per_row(published, client):
    org = published
    response = client.get(reverse("public:json", args=[org.fiscal_year.year, "goals"]))
    document = json.loads(response.content)
    assert [c["key"] for c in document["columns"]][:4] == [
        "fiscal_year",
        "fiscal_year_label",
        "kind",
        "department",
    ]
    [record] = document["items"]
    assert record["department"] == "市民部"
    assert record["title"] == org.item_a.title
    assert record["sections"] == ["市民課"]
    assert record["achievement"] == ["・達成水準の一つ目", "・達成水準の二つ目"]


def test_results_page_and_data_show_the_achievement_status(org, client):
    accept(org.sheet_a, org.planner)
    level = org.fiscal_year.achievement_scale.levels.first()
    confirm_year_end(org.item_a, org.section_a1, level)
    publish(org, kind="results", departments=[org.dept_a])
    html = client.get(department_url(org, kind="results")).content.decode()
    assert ">達成状況</th>" in html and str(level) in html
    assert "1年間の総括" not in html
    data = json.loads(
        client.get(reverse("public:json", args=[org.fiscal_year.year, "results"])).content
    )
    assert data["items"][0]["achievement_status"] == [str(level)]


@pytest.mark.parametrize("words", ["実施項目", "ｼﾞｯｼ", "達成水準の一つ目"])
def test_search_matches_full_and_half_width(published, client, words):
    org = published
    org.item_a.refresh_from_db()
    response = client.get(reverse("public:search"), {"q": words})
    html = response.content.decode()
    if words == "ｼﾞｯｼ":
        assert "検索結果 0件" in html
    else:
        assert "検索結果 1件" in html


def test_search_normalises_both_sides(org, client):
    org.item_a.title = "ＡＩ－ＯＣＲの導入"
    org.item_a.save()
    accept(org.sheet_a, org.planner)
    publish(org, departments=[org.dept_a])
    for words in ["ai-ocr", "ＡＩ－ＯＣＲ", "Ai－ocr"]:
        html = client.get(reverse("public:search"), {"q": words}).content.decode()
        assert "検索結果 1件" in html, words
    html = client.get(
        reverse("public:search"), {"q": "ai", "department": org.dept_b.pk}
    ).content.decode()
    assert "検索結果 0件" in html
    category = org.item_a.category.name
    html = client.get(reverse("public:search"), {"category": category}).content.decode()
    assert "検索結果 1件" in html


def test_feed_lists_publications(published, client):
    response = client.get(reverse("public:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "市民部の組織目標を公表しました" in response.content.decode()


def test_an_earlier_version_is_reachable_and_marked(published, client):
    org = published
    revise(org)
    html = client.get(department_url(org)).content.decode()
    assert "見直し" in html and "公表した版" in html
    earlier = re.findall(r'href="(/public/versions/\d+/)"', html)
    assert earlier
    old = client.get(earlier[0]).content.decode()
    assert "以前に公表したもの" in old


def revise(org):
    revise_sheet(org.sheet_a, org.head_a)
    org.item_a.refresh_from_db()
    org.item_a.title = "見直した実施項目"
    org.item_a.save()
    accept(org.sheet_a, org.planner)
    publish(org, departments=[org.dept_a])


def test_a_repeated_page_is_answered_from_the_cache_with_every_header(
    published, client, django_assert_num_queries
):
    url = department_url(published)
    first = client.get(url)
    with django_assert_num_queries(1):  # the site version, nothing else
        again = client.get(url)
    assert again.content == first.content
    for header in ("Content-Security-Policy", "X-Frame-Options", "ETag", "Cache-Control"):
        assert again[header] == first[header], header
    with django_assert_num_queries(1):
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_host_not_allowed_is_refused_before_the_cache(published, client):
    url = department_url(published)
    client.get(url)
    assert client.get(url, HTTP_HOST="evil.example").status_code == 400
