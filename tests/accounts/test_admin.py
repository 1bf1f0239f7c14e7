"""The admin shows the 職員番号 with the user, in Japanese."""

import pytest
from django.urls import reverse

from accounts.services import account_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, org):
    client.force_login(org.admin)
    return client


def test_the_user_list_and_page_show_the_employee_number(admin_client_):
    account = account_create(employee_number="10001", full_name="山田 太郎", email="", user=None)
    listing = admin_client_.get(reverse("admin:auth_user_changelist") + "?q=10001")
    assert listing.status_code == 200
    assert "職員番号" in listing.content.decode() and "10001" in listing.content.decode()
    page = admin_client_.get(reverse("admin:auth_user_change", args=[account.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "職員情報" in content and 'value="10001"' in content
    assert admin_client_.get(reverse("admin:auth_user_add")).status_code == 200


def test_the_profile_admin_answers_in_japanese(admin_client_):
    account_create(employee_number="10001", full_name="山田 太郎", email="", user=None)
    listing = admin_client_.get(reverse("admin:accounts_staffprofile_changelist"))
    content = listing.content.decode()
    assert listing.status_code == 200
    assert "職員情報" in content and "山田 太郎" in content
    index = admin_client_.get(reverse("admin:index")).content.decode()
    assert "アカウント" in index


def test_an_old_account_gets_its_number_in_the_admin(admin_client_, org):
    url = reverse("admin:auth_user_change", args=[org.chief_a.pk])
    page = admin_client_.get(url)
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields
        and value is not None
        and name not in {"password", "groups", "user_permissions"}
    }
    data |= {
        "date_joined_0": "2026-04-01",
        "date_joined_1": "09:00:00",
        "staff_profile-TOTAL_FORMS": "1",
        "staff_profile-INITIAL_FORMS": "0",
        "staff_profile-MIN_NUM_FORMS": "0",
        "staff_profile-MAX_NUM_FORMS": "1",
        "staff_profile-0-employee_number": "20001",
    }
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    org.chief_a.refresh_from_db()
    assert org.chief_a.staff_profile.employee_number == "20001"
