"""One-time tokens of create forms (see core.models.OnceToken).

The caller holds a lock that serialises the creates the token guards (the sheet's row lock for
items), asks `once_done` first and records with `once_record` in the same transaction.
"""

import datetime
import secrets

from django.utils import timezone

from core.models import OnceToken

KEPT = datetime.timedelta(days=2)


def once_new() -> str:
    return secrets.token_hex(16)


def once_done(key: str | None) -> int | None:
    """The id of what the form with this token already created, or None."""
    if not key:
        return None
    return OnceToken.objects.filter(key=key).values_list("object_id", flat=True).first()


def once_record(key: str | None, obj) -> None:
    if not key:
        return
    OnceToken.objects.filter(created_at__lt=timezone.now() - KEPT).delete()
    OnceToken.objects.create(key=key[:64], object_id=obj.pk)
