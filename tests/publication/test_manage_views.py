import pytest
from django.urls import reverse

from publication.models import Publication
from publication.selectors import publications_current
from tests.publication.helpers import accept, fake_pdf, publish

pytestmark = pytest.mark.django_db


def manage_url(org):
    return f"{reverse('publication:manage')}?year={org.fiscal_year.year}"


def publish_url(org, kind="goals"):
    return reverse("publication:publish", args=[org.fiscal_year.year, kind])


def unpublish_url(org, kind="goals"):
    return reverse("publication:unpublish", args=[org.fiscal_year.year, kind])


def test_planning_staff_publish_one_department(org, client_for):
    accept(org.sheet_a, org.planner)
    client = client_for(org.planner)
    with fake_pdf():
        response = client.post(publish_url(org), {"department": org.dept_a.pk}, follow=True)
    assert (
        "令和" in response.content.decode()
        and "を公表しました: 市民部" in response.content.decode()
    )
    assert [p.department for p in publications_current()] == [org.dept_a]
    page = client.get(manage_url(org)).content.decode()
    assert "公表中" in page


def test_publishing_every_department_reports_the_drafts(org, client_for):
    accept(org.sheet_a, org.planner)
    client = client_for(org.planner)
    with fake_pdf():
        response = client.post(publish_url(org), follow=True)
    html = response.content.decode()
    assert "を公表しました: 市民部" in html
    assert "福祉部: 整理表が「作成中」のため公表できません" in html


def test_a_draft_is_refused_in_place(org, client_for):
    client = client_for(org.planner)
    with fake_pdf():
        response = client.post(publish_url(org), {"department": org.dept_a.pk}, follow=True)
    assert "「作成中」のため公表できません" in response.content.decode()
    assert not Publication.objects.exists()


def test_unpublish_one_department(org, client_for):
    accept(org.sheet_a, org.planner)
    accept(org.sheet_b, org.planner)
    publish(org)
    client = client_for(org.planner)
    response = client.post(unpublish_url(org), {"department": org.dept_b.pk}, follow=True)
    assert "公表を取り消しました: 福祉部" in response.content.decode()
    assert [p.department for p in publications_current()] == [org.dept_a]
    public = client_for(None).get(
        reverse("public:department", args=[org.fiscal_year.year, "goals", org.dept_b.pk])
    )
    assert public.status_code == 404


def test_a_department_head_may_not_publish(org, client_for):
    accept(org.sheet_a, org.planner)
    client = client_for(org.head_a)
    assert client.post(publish_url(org), {"department": org.dept_a.pk}).status_code == 403
    assert client.get(manage_url(org)).status_code == 403
    assert not Publication.objects.exists()


def test_wrong_method_and_kind(org, client_for):
    client = client_for(org.planner)
    assert client.get(publish_url(org)).status_code == 405
    assert client.post(publish_url(org, kind="drafts")).status_code == 404
    assert client_for(None).post(reverse("public:index")).status_code == 405


def test_the_navigation_offers_publication_to_planning_staff_only(org, client_for):
    assert reverse("publication:manage") in client_for(org.planner).get("/").content.decode()
    assert reverse("publication:manage") not in client_for(org.head_a).get("/").content.decode()
