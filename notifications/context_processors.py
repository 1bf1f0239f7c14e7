from django.utils.functional import SimpleLazyObject

from departments.permissions import current_fiscal_year
from goals.models import FiscalYear
from notifications.selectors import todo_for


def _count(request) -> int:
    fiscal_year = FiscalYear.objects.filter(year=current_fiscal_year()).first()
    return len(todo_for(user=request.user, fiscal_year=fiscal_year))


def todo_count(request):
    """やること's count for the navigation, computed only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"todo_count": SimpleLazyObject(lambda: _count(request))}
