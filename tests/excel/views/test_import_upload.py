"""excel:import_upload — the upload form."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("excel:import_upload")


@pytest.mark.parametrize("persona", ["head_a", "planner", "admin"])
def test_heads_and_planning_staff_get_the_form(org, client_for, persona):
    response = client_for(org.persona(persona)).get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" in content
    assert "Excel から整理表を読み込む" in content
    assert 'name="file"' in content
    assert 'hx-post="/excel/import/preview/"' in content
    assert 'action="/excel/import/preview/"' in content


def test_head_gets_their_department_preselected(org, client_for):
    form = client_for(org.head_a).get(URL).context["form"]
    assert form.initial["department"] == org.dept_a
    assert list(form.fields["department"].queryset) == [org.dept_a]
    assert form.initial["fiscal_year"] == org.fiscal_year


def test_planning_staff_choose_among_every_department(org, client_for):
    form = client_for(org.planner).get(URL).context["form"]
    assert set(form.fields["department"].queryset) == {org.dept_a, org.dept_b}


def test_section_chief_may_not_import(org, client_for):
    response = client_for(org.chief_a).get(URL)
    assert response.status_code == 403


def test_a_sheet_of_another_department_is_not_found(org, client_for):
    response = client_for(org.head_b).get(URL, {"sheet": org.sheet_a.pk})
    assert response.status_code == 404
    assert client_for(org.head_b).get(URL, {"sheet": "abc"}).status_code == 404


def test_a_sheet_preselects_its_year_and_department(org, client_for):
    response = client_for(org.planner).get(URL, {"sheet": org.sheet_b.pk})
    assert response.context["form"].initial["department"] == org.dept_b


def test_anonymous_is_sent_to_login(org, client_for):
    assert client_for(None).get(URL).status_code == 302


def test_wrong_method(org, client_for):
    assert client_for(org.head_a).post(URL).status_code == 405


def test_htmx_gets_the_partial(org, client_for):
    response = client_for(org.head_a).get(URL, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content and 'name="file"' in content
