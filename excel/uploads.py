"""An uploaded workbook kept between the preview and the confirmation.

The preview can be posted again with another column mapping without choosing the file again:
the file is kept in `settings.IMPORT_UPLOAD_DIR` under a random name, and the page carries a
signed token (bound to the user, the year and the department) that names it. Files older than
`MAX_AGE` are removed whenever another is kept.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "excel.import.upload"
MAX_AGE = 2 * 60 * 60  # seconds


class UploadGone(Exception):
    """The token is unreadable, expired or someone else's, or its file is gone (in Japanese)."""


@dataclass
class KeptUpload:
    data: bytes
    filename: str
    fiscal_year: int
    department: int


def _folder():
    folder = settings.IMPORT_UPLOAD_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload_keep(*, data: bytes, filename: str, user, fiscal_year, department) -> str:
    """Keep the file; returns the token for the page."""
    folder = _folder()
    now = time.time()
    for old in folder.glob("*.xlsx"):
        try:
            if now - old.stat().st_mtime > MAX_AGE:
                old.unlink()
        except OSError:
            pass
    name = secrets.token_hex(16)
    (folder / f"{name}.xlsx").write_bytes(data)
    payload = {
        "name": name,
        "filename": filename,
        "user": user.pk,
        "fiscal_year": fiscal_year.pk,
        "department": department.pk,
    }
    return signing.dumps(payload, salt=SALT)


def upload_open(token: str, *, user) -> KeptUpload:
    try:
        payload = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired as error:
        raise UploadGone(
            "確認画面の有効期限が切れました。もう一度ファイルを選んでください。"
        ) from error
    except signing.BadSignature as error:
        raise UploadGone(
            "ファイルを読み取れませんでした。もう一度ファイルを選んでください。"
        ) from error
    if payload.get("user") != user.pk:
        raise UploadGone("ほかの人が選んだファイルは使えません。もう一度ファイルを選んでください。")
    path = _folder() / f"{payload['name']}.xlsx"
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UploadGone(
            "ファイルの保存期間が過ぎました。もう一度ファイルを選んでください。"
        ) from error
    return KeptUpload(data, payload["filename"], payload["fiscal_year"], payload["department"])
