"""やること in every template: the home page lists it, the navigation shows its count."""

from functools import cached_property

from departments.permissions import current_fiscal_year
from goals.models import FiscalYear
from notifications.selectors import todo_for, todo_groups


class Todo:
    """Read once per request, and only when a template asks (pages without the navigation,
    htmx partials, downloads cost nothing)."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def lines(self):
        fiscal_year = FiscalYear.objects.filter(year=current_fiscal_year()).first()
        return todo_for(user=self._user, fiscal_year=fiscal_year)

    @property
    def groups(self):
        return todo_groups(self.lines)

    @property
    def count(self) -> int:
        return len(self.lines)


def todo(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"todo": Todo(user)}
