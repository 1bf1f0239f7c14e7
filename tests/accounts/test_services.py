"""Account services and selectors: what the roster import and the accounts page rely on."""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import ValidationError

from accounts.models import StaffProfile
from accounts.selectors import account_find_by_employee_number, accounts_for_management
from accounts.services import (
    account_create,
    account_link_employee_number,
    account_send_password_link,
    name_split,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("full_name", "parts"),
    [
        ("山田 太郎", ("山田", "太郎")),
        ("山田　太郎", ("山田", "太郎")),  # full-width space
        ("  山田   太郎 ", ("山田", "太郎")),
        ("山田太郎", ("山田太郎", "")),  # no space: kept whole, shown unchanged
        ("Smith John Paul", ("Smith", "John Paul")),
        ("", ("", "")),
    ],
)
def test_name_split(full_name, parts):
    assert name_split(full_name) == parts


def test_account_create_makes_the_employee_number_the_username(org):
    account = account_create(
        employee_number="０１２３４",
        full_name="山田　太郎",
        email="Yamada@City.Example",
        user=org.planner,
    )
    account.refresh_from_db()
    assert account.username == "01234"  # half-width, leading zero kept
    assert account.staff_profile.employee_number == "01234"
    assert (account.last_name, account.first_name) == ("山田", "太郎")
    assert account.email == "Yamada@city.example"  # the domain is normalised
    assert account.is_active and not account.is_staff and not account.is_superuser
    assert not account.has_usable_password()
    entry = LogEntry.objects.get(object_id=str(account.pk))
    assert entry.action_flag == ADDITION
    assert entry.user == org.planner
    assert "01234" in entry.change_message


def test_account_create_refuses_a_number_already_used(org):
    account_create(employee_number="10001", full_name="山田 太郎", email="", user=org.planner)
    with pytest.raises(ValidationError) as error:
        account_create(employee_number="１０００１", full_name="別人", email="", user=org.planner)
    assert error.value.message_dict == {
        "employee_number": ["この職員番号はすでに登録されています。"]
    }
    # A username equal to the number (an account made in the admin) counts too.
    with pytest.raises(ValidationError):
        account_create(employee_number="planner", full_name="企画", email="", user=org.planner)


@pytest.mark.parametrize(
    ("number", "name", "field"),
    [
        ("", "山田 太郎", "employee_number"),
        ("12 34", "山田", "employee_number"),
        ("職員1", "山田", "employee_number"),
        ("10001", "  ", "full_name"),
    ],
)
def test_account_create_says_what_is_wrong_in_japanese(org, number, name, field):
    with pytest.raises(ValidationError) as error:
        account_create(employee_number=number, full_name=name, email="", user=org.planner)
    assert field in error.value.message_dict
    assert not StaffProfile.objects.exists()


def test_account_create_refuses_a_bad_email(org):
    with pytest.raises(ValidationError) as error:
        account_create(employee_number="1", full_name="山田", email="not-a-mail", user=None)
    assert "email" in error.value.message_dict


def test_account_find_by_employee_number(org):
    account = account_create(employee_number="10001", full_name="山田 太郎", email="", user=None)
    assert account_find_by_employee_number(employee_number="10001") == account
    assert account_find_by_employee_number(employee_number="１０００１ ") == account
    assert account_find_by_employee_number(employee_number="10002") is None
    assert account_find_by_employee_number(employee_number="") is None


def test_an_old_account_gets_its_number(org):
    account_link_employee_number(account=org.chief_a, employee_number="２００", user=org.planner)
    assert account_find_by_employee_number(employee_number="200") == org.chief_a
    account_link_employee_number(account=org.chief_a, employee_number="", user=org.planner)
    assert StaffProfile.objects.get(user=org.chief_a).employee_number is None
    # Several accounts without a number do not collide.
    account_link_employee_number(account=org.chief_b, employee_number="", user=org.planner)
    assert StaffProfile.objects.filter(employee_number=None).count() == 2


def test_accounts_for_management_filters_by_number_name_or_mail(org):
    account_create(
        employee_number="10001", full_name="山田 太郎", email="y@city.example", user=None
    )
    account_create(
        employee_number="10002", full_name="鈴木 花子", email="s@city.example", user=None
    )
    names = lambda q: [a.username for a in accounts_for_management(query=q)]  # noqa: E731
    assert names("10001") == ["10001"]
    assert names("鈴木") == ["10002"]
    assert names("s@city") == ["10002"]
    everyone = names("")
    assert everyone[:2] == ["10001", "10002"]  # numbered accounts first
    assert "planner" in everyone


def test_the_password_link_refuses_an_account_it_cannot_reach(org, mailoutbox):
    with pytest.raises(ValidationError, match="メールアドレスが登録されていない"):
        account_send_password_link(account=org.chief_a, base_url="http://testserver/", user=None)
    org.chief_a.email = "chief@city.example"
    org.chief_a.is_active = False
    with pytest.raises(ValidationError, match="無効なアカウント"):
        account_send_password_link(account=org.chief_a, base_url="http://testserver/", user=None)
    assert mailoutbox == []


def test_the_password_link_is_sent_after_the_transaction_commits(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    account = factories.UserFactory(username="10009", email="new@city.example")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        account_send_password_link(
            account=account, base_url="https://mokuhyo.city.example/", user=org.planner
        )
    assert mailoutbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mailoutbox) == 1
    assert "https://mokuhyo.city.example/password/reset/" in mailoutbox[0].body
