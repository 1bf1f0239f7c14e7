"""The admin import's errors in Japanese, never with a traceback (django-import-export).

The library shows an exception's text and its traceback (with the server's paths) for errors
that are not a row's validation errors. The template `admin/import_export/import.html` shows
`error|import_error` instead: our own (Japanese) messages as they are, known library messages
translated, anything else as a general Japanese message. The traceback goes to the log only.
"""

import html
import logging
import re

from django import template
from django.core.exceptions import ValidationError

register = template.Library()
logger = logging.getLogger("config.import_errors")

# A Japanese sentence has kana; column names alone (kanji) do not make one.
KANA = re.compile(r"[\u3040-\u30ff]")
ENGLISH_WORDS = re.compile(r"[A-Za-z]{3,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}")
MISSING_COLUMN = re.compile(r"Column '(?P<name>[^']*)' not found in dataset")
# Formatted before gettext by the library, so never translated by its catalogue.
MISSING_HEADERS = re.compile(r"not present in the file headers: (?P<names>.*)$", re.S)
GENERAL = "この行を読み込めませんでした。列の名前と値を確認してください。"
USE_EXPORT = "エクスポートしたファイルの見出しの行を使ってください。"


@register.filter
def import_error(error) -> str:
    """`error` is an import-export Error (its exception in `.error`) or an exception."""
    exception = getattr(error, "error", error)
    if isinstance(exception, ValidationError):
        message = "、".join(str(part) for part in exception.messages)
    else:
        message = str(exception)
    if isinstance(exception, KeyError) and exception.args:
        message = str(exception.args[0])
    headers = MISSING_HEADERS.search(message)
    if headers:
        names = html.unescape(headers["names"]).replace(", ", "、")
        return f"ファイルに必要な列がありません: {names}。{USE_EXPORT}"
    missing = MISSING_COLUMN.search(message)
    if missing:
        return f"列「{missing['name']}」がファイルにありません。{USE_EXPORT}"
    if KANA.search(message) and not ENGLISH_WORDS.search(message) and "Traceback" not in message:
        return message
    logger.warning(
        "admin import error shown as a general message: %s",
        message,
        extra={"traceback": getattr(error, "traceback", "")},
    )
    return GENERAL
