"""やること on the home page and its count in the navigation (notifications.context_processors)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_home_page_starts_with_what_waits_and_the_navigation_counts_it(org, client_for):
    page = client_for(org.head_a).get(reverse("home")).content.decode()
    assert page.index('id="todo"') < page.index('id="my-sheets"')
    assert "市民部の整理表を作成し、提出してください" in page
    assert '<span class="nav-count" aria-hidden="true">1</span>' in page
    assert "（やること1件）" in page
    assert reverse("notifications:settings") in page


def test_nothing_waiting_shows_no_count(org, client_for):
    page = client_for(org.chief_a2).get(reverse("home")).content.decode()
    assert "いま、あなたを待っているものはありません。" in page
    assert "nav-count" not in page


def test_other_pages_count_without_listing(org, client_for):
    page = client_for(org.head_a).get(reverse("reviews:my_reviews")).content.decode()
    assert '<span class="nav-count" aria-hidden="true">1</span>' in page
    assert 'id="todo"' not in page


def test_planning_staff_find_the_undelivered_mail_in_the_navigation(org, client_for):
    page = client_for(org.planner).get(reverse("home")).content.decode()
    assert reverse("notifications:undelivered") in page
    page = client_for(org.head_a).get(reverse("home")).content.decode()
    assert reverse("notifications:undelivered") not in page


def test_the_list_is_read_once_per_page(org, client_for):
    """The count and the list share one reading of やること."""
    client = client_for(org.head_a)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    fiscal_year_reads = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "goals_fiscalyear"' in query["sql"]
        and '"goals_fiscalyear"."year" =' in query["sql"]
    ]
    assert len(fiscal_year_reads) == 1


def test_the_years_page_shows_the_reminder_schedule(org, client_for):
    page = client_for(org.planner).get(reverse("reviews:fiscal_years")).content.decode()
    assert "期限の7日前・1日前、期限後は3日ごと" in page
