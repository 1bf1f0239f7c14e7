"""django-axes' database handler with a second limit per address, across usernames.

Logins are locked by username AND address (AXES_LOCKOUT_PARAMETERS): a stranger's wrong passwords
never lock the real user out at another address. On top of that, AXES_ADDRESS_FAILURE_LIMIT
failures from one address within the cool-off time lock that address for every username, so
that one client cannot try five passwords on each of the city's usernames.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class AddressLimitedDatabaseHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        if self.address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            # Reported as reaching the per-user limit: axes then locks and shows its page.
            return max(failures, get_failure_limit(request, credentials))
        return failures

    @staticmethod
    def address_failures(request) -> int:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
