"""Import: the file as a whole (size, format, macros, encryption), before openpyxl opens it."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings

from excel.xlsx.sheet import WorkbookError

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # a zip bomb is refused before openpyxl expands it
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_upload(data: bytes, filename: str) -> None:
    limit = settings.UPLOAD_MAX_BYTES
    if not data:
        raise WorkbookError("ファイルが空です（0バイト）。Excel で保存し直してから選んでください。")
    if len(data) > limit:
        raise WorkbookError(
            f"ファイルが大きすぎます（{len(data) / 1024 / 1024:.1f}MB）。"
            f"{limit // 1024 // 1024}MB 以下のファイルにしてください。"
        )
    if data.startswith(OLE_SIGNATURE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise WorkbookError(
                "パスワードで保護されたファイルは読み込めません。"
                "Excel でパスワードを解除して保存し直してから選んでください。"
            )
        raise WorkbookError(
            "古い形式の Excel ファイル（.xls）は読み込めません。"
            "Excel で「Excel ブック（*.xlsx）」として保存し直してから選んでください。"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WorkbookError(
            "Excel ファイル（.xlsx）ではありません。"
            "Excel で「Excel ブック（*.xlsx）」として保存したファイルを選んでください。"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        expanded = sum(info.file_size for info in archive.infolist())
        content_types = (
            archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
        )
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise WorkbookError("ファイルが壊れているため読み込めません。") from error
    lower = filename.lower()
    if (
        lower.endswith((".xlsm", ".xltm", ".xlam"))
        or any(name.lower().endswith("vbaproject.bin") for name in names)
        or b"macroEnabled" in content_types
    ):
        raise WorkbookError(
            "マクロを含むファイル（.xlsm）は読み込めません。"
            "Excel で「Excel ブック（*.xlsx）」として保存し直してから選んでください。"
        )
    if "xl/workbook.xml" not in names:
        raise WorkbookError(
            "Excel ファイル（.xlsx）ではありません。"
            "Excel で「Excel ブック（*.xlsx）」として保存したファイルを選んでください。"
        )
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookError("ファイルの中身が大きすぎるため読み込めません。")
