"""Reads on staff accounts."""

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet

from accounts.models import employee_number_normalize

User = get_user_model()


def account_find_by_employee_number(*, employee_number: str):
    """The account with this 職員番号 (typed in either width), or None."""
    number = employee_number_normalize(employee_number)
    if not number:
        return None
    return (
        User.objects.select_related("staff_profile")
        .filter(staff_profile__employee_number=number)
        .first()
    )


def accounts_for_management(*, query: str = "") -> QuerySet:
    """Every account for the accounts page, 職員番号 first, filtered by number, name or mail."""
    accounts = User.objects.select_related("staff_profile").order_by(
        F("staff_profile__employee_number").asc(nulls_last=True), "username"
    )
    query = employee_number_normalize(query)
    if query:
        condition = (
            Q(staff_profile__employee_number__icontains=query)
            | Q(username__icontains=query)
            | Q(email__icontains=query)
        )
        for word in query.split():
            condition |= Q(last_name__icontains=word) | Q(first_name__icontains=word)
        accounts = accounts.filter(condition)
    return accounts
