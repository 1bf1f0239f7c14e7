import pytest
from django.urls import reverse

from demo.loaders import load_demo
from departments.models import Department
from publication.demo import publish_demo
from publication.selectors import publications_current

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_public_site(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo(create_users=False)
    published = {(p.fiscal_year.year, p.kind, p.department.name) for p in publications_current()}
    assert published == {(2026, "goals", "市民部"), (2025, "results", "福祉部")}
    html = client.get(reverse("public:index")).content.decode()
    assert "令和8年度" in html and "令和7年度" in html
    fukushi = Department.objects.get(name="福祉部")
    page = client.get(reverse("public:department", args=[2025, "results", fukushi.pk]))
    text = page.content.decode()
    assert "令和7年7月25日見直し" in text
    assert "ほぼ達成した" in text
    # Loading again publishes nothing new.
    assert publish_demo() == []
