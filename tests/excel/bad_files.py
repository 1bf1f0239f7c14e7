"""Files an import must refuse, each with the message a user should see."""

import io
import zipfile

from openpyxl import Workbook

from tests.excel.workbooks import simple_workbook, to_bytes

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ROW = ["1", "窓口の改善", "施政方針", "・待ち時間が短い", "・受付の見直し", "12月", "市民課"]


def _ole(stream_name: str) -> bytes:
    # A compound file whose directory names the stream (encrypted OOXML keeps its package in
    # "EncryptedPackage"; an old .xls its book in "Workbook").
    return OLE + b"\x00" * 504 + stream_name.encode("utf-16-le") + b"\x00" * 1024


def _with_extra_entry(content: bytes, name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, data)
    return buffer.getvalue()


def csv_file() -> bytes:
    return "番号,実施項目\n1,窓口の改善\n".encode()


def password_protected() -> bytes:
    return _ole("EncryptedPackage")


def old_xls() -> bytes:
    return _ole("Workbook")


def macro_workbook() -> bytes:
    return _with_extra_entry(simple_workbook([ROW]), "xl/vbaProject.bin", b"\x00VBA")


def word_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def damaged_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "これは XML ではありません")
    return buffer.getvalue()


def empty_workbook() -> bytes:
    return to_bytes(Workbook())


def workbook_without_header() -> bytes:
    wb = Workbook()
    wb.active["A1"] = "会議の出席者"
    wb.active["A2"] = "山田"
    return to_bytes(wb)


def absurd_cell() -> bytes:
    return simple_workbook([[*ROW[:3], "あ" * 20_000, *ROW[4:]]])


# (name, content, filename, the start of the message)
BAD_FILES = [
    ("empty", b"", "empty.xlsx", "ファイルが空です"),
    ("csv", csv_file(), "sheet.csv", "Excel ファイル（.xlsx）ではありません"),
    ("word", word_document(), "sheet.docx", "Excel ファイル（.xlsx）ではありません"),
    (
        "password",
        password_protected(),
        "locked.xlsx",
        "パスワードで保護されたファイルは読み込めません",
    ),
    ("xls", old_xls(), "old.xls", "古い形式の Excel ファイル（.xls）は読み込めません"),
    ("macro", macro_workbook(), "macro.xlsm", "マクロを含むファイル（.xlsm）は読み込めません"),
    ("damaged", damaged_workbook(), "broken.xlsx", "ファイルが壊れているか"),
    ("no cells", empty_workbook(), "blank.xlsx", "ファイルが空です"),
    ("no header", workbook_without_header(), "other.xlsx", "整理表の見出しが見つかりません"),
]
