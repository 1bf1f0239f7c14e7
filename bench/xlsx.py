"""Benchmark: Excel export and import of a 500-item sheet (target: each under 3 s).

    .venv/bin/python bench/xlsx.py [--items 500] [--repeat 3]
    .venv/bin/python bench/xlsx.py --preview-sizes 600,3000 [--repeat 3]

The second form times the import's preview (read the workbook, account for every cell, check
against the database, sign the payload) and its confirmation (read the payload, write the
sheet and its 達成状況 reviews) for workbooks of those sizes (targets: 600 items under 1 s each,
3,000 under 5 s).

Uses a fresh SQLite database in a temporary folder unless DATABASE_URL is set. Prints the best
of `--repeat` runs for each step, and the file size.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="bench-xlsx-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build_sheet(items: int):
    from demo.loaders import load_demo
    from departments.models import Department
    from goals.models import FiscalYear, GoalSheet
    from goals.services import ItemData, SheetData, SignerData, sheet_import
    from reviews.services import reviews_import_achievement_lines

    load_demo(create_users=False)
    fiscal_year = FiscalYear.objects.get(year=2025)
    department = Department.objects.get(name="福祉部")
    sections = ["生活福祉課", "障害福祉課", "高齢福祉課"]
    long_line = "関係部署と連携し、計画に位置づけられた事業を着実に実施して効果を検証する"
    data = SheetData(
        created_on=fiscal_year.starts_on,
        signers=[SignerData("福祉部長", "玉井理加"), SignerData("担当部長", "山田花子")],
        items=[
            ItemData(
                number=n // 3 + 1,
                title=f"実施項目{n}：地域共生社会の実現に向けた事業の実施と検証",
                continues_title=n % 7 == 6,
                category=["施政方針", "個別計画", "その他"][n % 3],
                achievement=[f"{long_line}（{n}の{k}）" for k in range(3)],
                method=[f"{long_line}。方法{k}" for k in range(5)],
                deadline=["3月", "12月", "随時", "年度末"][n % 4],
                sections=sections[: n % 3 + 1],
            )
            for n in range(items)
        ],
    )
    GoalSheet.objects.filter(fiscal_year=fiscal_year, department=department).delete()
    sheet = sheet_import(fiscal_year=fiscal_year, department=department, data=data)
    reviews_import_achievement_lines(
        sheet=sheet, achievements={n: [("", "ほぼ達成した")] for n in range(items)}
    )
    return sheet


def timed(function, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def report(label: str, best: float, median: float, note: str = "") -> None:
    width = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in label)
    target = "OK" if best < 3 else "目標（3秒）超過"
    print(f"  {label}{' ' * (32 - width)}{best:6.2f} 秒（中央値 {median:.2f}）  {target}  {note}")


def preview_and_confirm(sizes: list[int], repeat: int) -> None:
    from django.core import signing

    from excel import xlsx
    from excel.services import sheet_import_with_vocabulary
    from goals.selectors import sheet_with_content

    print(f"Excel 読み込みのプレビューと確定（{repeat}回のうち最良と中央値）")
    for size in sizes:
        sheet = build_sheet(size)
        content = xlsx.sheet_xlsx(sheet_with_content(pk=sheet.pk), "year_end")[2]
        limit = 1 if size <= 600 else 5

        def preview(content=content):
            imported = xlsx.workbook_read(
                content, filename="bench.xlsx", department="福祉部", fiscal_year=2025
            )
            plan = xlsx.import_plan(imported, fiscal_year=2025, department="福祉部")
            assert plan.ok, plan.problems[:3]
            return imported, signing.dumps(xlsx.plan_payload(plan), salt="bench", compress=True)

        best, median, (imported, token) = timed(preview, repeat)
        print(
            f"  {size:>5}項目 プレビュー  {best:6.2f} 秒（中央値 {median:.2f}）"
            f"  {'OK' if best < limit else f'目標（{limit}秒）超過'}"
            f"  セル {len(imported.cells):,}件、{len(content) / 1024:,.0f} KB"
        )

        def confirm(token=token, sheet=sheet):
            payload = signing.loads(token, salt="bench")
            return sheet_import_with_vocabulary(
                fiscal_year=sheet.fiscal_year,
                department=sheet.department,
                data=xlsx.sheet_data_from_payload(payload),
                achievements=xlsx.achievements_from_payload(payload),
                replace=True,
            )

        best, median, written = timed(confirm, repeat)
        print(
            f"  {size:>5}項目 確定        {best:6.2f} 秒（中央値 {median:.2f}）"
            f"  {'OK' if best < limit else f'目標（{limit}秒）超過'}"
            f"  {written.items.count()}項目"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--preview-sizes", default="", help="例: 600,3000")
    options = parser.parse_args()
    setup_django()
    if options.preview_sizes:
        sizes = [int(size) for size in options.preview_sizes.split(",") if size.strip()]
        preview_and_confirm(sizes, options.repeat)
        return

    from excel import xlsx
    from excel.services import sheet_import_with_vocabulary
    from goals.models import GoalItem
    from goals.selectors import sheet_with_content
    from reviews.selectors import item_review_rows

    sheet = build_sheet(options.items)
    print(
        f"Excel ベンチマーク: {options.items}項目の整理表（{options.repeat}回のうち最良と中央値）"
    )

    def export(kind):
        return xlsx.sheet_xlsx(sheet_with_content(pk=sheet.pk), kind)[2]

    for kind in ("plan", "year_end"):
        best, median, content = timed(lambda kind=kind: export(kind), options.repeat)
        report(f"書き出し（{kind}）", best, median, f"{len(content) / 1024:,.0f} KB")
    content = export("year_end")

    def read():
        return xlsx.workbook_read(content, filename="bench.xlsx")

    best, median, imported = timed(read, options.repeat)
    report("読み取り", best, median, f"{len(imported.items)}項目")

    def check():
        return xlsx.import_plan(imported, fiscal_year=2025, department="福祉部")

    best, median, plan = timed(check, options.repeat)
    assert plan.ok, plan.problems[:3]
    report("確認（プレビュー）", best, median)

    def write():
        fresh = xlsx.import_plan(read(), fiscal_year=2025, department="福祉部")
        return sheet_import_with_vocabulary(
            fiscal_year=fresh.fiscal_year,
            department=fresh.department,
            data=fresh.data,
            achievements=fresh.achievements,
            replace=True,
        )

    def full_import():
        start = time.perf_counter()
        sheet_after = write()
        return time.perf_counter() - start, sheet_after

    best, median, (_, written) = timed(full_import, options.repeat)
    report("取り込み（読み取り〜書き込み）", best, median, f"{written.items.count()}項目")

    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create(username="bench-admin", is_superuser=True)
    items = GoalItem.objects.filter(sheet=written).order_by("position")
    best, median, table = timed(
        lambda: xlsx.items_table_xlsx(item_review_rows(user=admin, items=items), title="一覧")[2],
        options.repeat,
    )
    report("一覧の書き出し（項目×確認）", best, median, f"{len(table) / 1024:,.0f} KB")


if __name__ == "__main__":
    main()
