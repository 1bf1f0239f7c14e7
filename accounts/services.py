"""Writes on staff accounts: keyword-only, `full_clean()` before saving, each one recorded.

The record is Django's admin history (`LogEntry`) of the user: it is where an administrator
looks for what happened to an account, and it keeps `accounts` free of the goals' change log.
"""

import logging
import re
import smtplib

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import StaffProfile, employee_number_normalize

User = get_user_model()
logger = logging.getLogger(__name__)

# A half- or full-width space (or several) between 姓 and 名.
_NAME_SEPARATOR = re.compile(r"[\s\u3000]+")


def name_split(full_name: str) -> tuple[str, str]:
    """(姓, 名) from a 氏名 typed as one string: split at the first space; kept whole in 姓
    when there is none (山田太郎 → ("山田太郎", "")), so that `姓 名` shows it unchanged."""
    parts = _NAME_SEPARATOR.split((full_name or "").strip(), maxsplit=1)
    return (parts[0], parts[1] if len(parts) > 1 else "")


def _record(*, actor, account, flag: int, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=[account], action_flag=flag, change_message=message
    )


@transaction.atomic
def account_create(*, employee_number: str, full_name: str, email: str = "", user) -> User:
    """A new staff account whose username is its 職員番号, without a usable password (the person
    sets one through `account_send_password_link`, or signs in through the directory).

    `user` is who creates it (planning staff, the roster import), or None for the directory
    sign-in creating an account on first sign-in (recorded as done by the account itself).
    Raises ValidationError (Japanese, keyed by field) when the number is taken or invalid.
    """
    number = employee_number_normalize(employee_number)
    if not number:
        raise ValidationError({"employee_number": "職員番号を入力してください。"})
    if (
        StaffProfile.objects.filter(employee_number=number).exists()
        or User.objects.filter(username__iexact=number).exists()
    ):
        raise ValidationError({"employee_number": "この職員番号はすでに登録されています。"})
    last_name, first_name = name_split(full_name)
    if not last_name:
        raise ValidationError({"full_name": "氏名を入力してください。"})
    account = User(
        username=number,
        last_name=last_name,
        first_name=first_name,
        email=User.objects.normalize_email((email or "").strip()),
        is_active=True,
    )
    account.set_unusable_password()
    profile = StaffProfile(employee_number=number)
    try:
        profile.full_clean(exclude=["user"])
        account.full_clean()
    except ValidationError as error:
        raise _as_form_errors(error) from error
    account.save()
    profile.user = account
    profile.save()
    _record(
        actor=user if user is not None and user.is_authenticated else account,
        account=account,
        flag=ADDITION,
        message=f"アカウントを作成しました（職員番号 {number}）。",
    )
    return account


def _as_form_errors(error: ValidationError) -> ValidationError:
    """The User's own field names, as the account form names them."""
    names = {"username": "employee_number", "last_name": "full_name", "first_name": "full_name"}
    return ValidationError(
        {names.get(name, name): messages for name, messages in error.message_dict.items()}
    )


@transaction.atomic
def account_link_employee_number(*, account, employee_number: str, user) -> StaffProfile:
    """Give an existing account its 職員番号 (an old account, or one the roster matched by hand)."""
    number = employee_number_normalize(employee_number) or None
    profile, _ = StaffProfile.objects.get_or_create(user=account)
    before = profile.employee_number
    if before == number:
        return profile
    profile.employee_number = number
    profile.full_clean()
    profile.save(update_fields=["employee_number"])
    _record(
        actor=user if user is not None and user.is_authenticated else account,
        account=account,
        flag=CHANGE,
        message=f"職員番号を {before or '（なし）'} から {number or '（なし）'} にしました。",
    )
    return profile


@transaction.atomic
def account_update_from_directory(*, account, last_name: str, first_name: str, email: str) -> None:
    """The directory is the source of 氏名 and mail for the accounts it signs in: copy what it
    has (a blank attribute keeps the local value)."""
    changes = {}
    for field, value in (("last_name", last_name), ("first_name", first_name), ("email", email)):
        value = (value or "").strip()
        if field == "email":
            value = User.objects.normalize_email(value)
        if value and getattr(account, field) != value:
            changes[field] = value
    if not changes:
        return
    if "last_name" in changes and not first_name:
        changes["first_name"] = ""
    for field, value in changes.items():
        setattr(account, field, value)
    account.full_clean(exclude=["password"])
    account.save(update_fields=list(changes))
    _record(
        actor=account,
        account=account,
        flag=CHANGE,
        message="ディレクトリの情報で更新しました（"
        + "・".join({"last_name": "姓", "first_name": "名", "email": "メール"}[f] for f in changes)
        + "）。",
    )


def _mail(*, subject: str, body: str, address: str) -> None:
    """Send after the commit; a mail server that refuses is logged, and does not turn the saved
    account into an error page (the link can be sent again from the accounts page)."""
    try:
        send_mail(subject, body, None, [address], fail_silently=False)
    except (OSError, smtplib.SMTPException):
        logger.exception("パスワード設定の案内を %s に送れませんでした。", address)


def password_link_valid_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def password_link(*, account, base_url: str) -> str:
    """The page where `account` sets a new password (Django's reset link: valid until the
    password changes or PASSWORD_RESET_TIMEOUT passes, used once)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(account.pk)),
            "token": default_token_generator.make_token(account),
        },
    )
    return base_url.rstrip("/") + path


def account_send_password_link(*, account, base_url: str, user) -> None:
    """Mail `account` the link to set its password (a new account, or one that lost it).

    `base_url` is the site's address as the person will open it (`request.build_absolute_uri("/")`).
    The mail goes through Django's email API, after the surrounding transaction commits.
    """
    if not account.is_active:
        raise ValidationError("無効なアカウントには送れません。")
    if not account.email:
        raise ValidationError("メールアドレスが登録されていないため送れません。")
    context = {
        "account": account,
        "link": password_link(account=account, base_url=base_url),
        "city_name": settings.CITY_NAME,
        "valid_days": password_link_valid_days(),
        "new_account": not account.has_usable_password(),
    }
    subject = "".join(
        render_to_string("accounts/mail/password_link_subject.txt", context).splitlines()
    )
    body = render_to_string("accounts/mail/password_link_body.txt", context)
    transaction.on_commit(lambda: _mail(subject=subject, body=body, address=account.email))
    _record(
        actor=user if user is not None and user.is_authenticated else account,
        account=account,
        flag=CHANGE,
        message="パスワード設定の案内をメールで送りました。",
    )
