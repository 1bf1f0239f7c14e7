from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.wareki import fiscal_year_label
from excel import xlsx
from excel.services import sheet_import_with_vocabulary
from goals.services import SheetImportError, department_create, fiscal_year_create


class Command(BaseCommand):
    help = (
        "Excel（.xlsx）の組織目標展開整理表を読み込みます。問題があれば1行に1件表示し、"
        "何も変更せずに終了コード1で終わります。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="読み込む .xlsx ファイル")
        parser.add_argument("--year", type=int, required=True, help="年度（西暦。例: 2026）")
        parser.add_argument("--department", required=True, help="部名（例: 市民部）")
        parser.add_argument(
            "--replace", action="store_true", help="既にある整理表の内容を置き換えます。"
        )
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="登録されていない年度・部・課・分類を作成します（なければ問題として表示）。",
        )

    def handle(self, *args, file, year, department, replace, create_missing, **options):
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path} を読めません: {error.strerror}") from error
        try:
            imported = xlsx.workbook_read(content, filename=path.name)
        except xlsx.WorkbookError as error:
            self._fail([str(error)])
        plan = xlsx.import_plan(
            imported,
            fiscal_year=year,
            department=department,
            create_missing=create_missing,
            replace=replace,
        )
        for warning in plan.warnings:
            self.stdout.write(f"注意: {warning}")
        if not plan.ok:
            hints = []
            if plan.existing is not None and not replace:
                hints.append("置き換えるときは --replace を付けてください。")
            if not create_missing and any("登録されていません" in p.message for p in plan.problems):
                hints.append(
                    "登録されていない年度・部・課・分類は --create-missing で作成できます。"
                )
            self._fail([str(problem) for problem in plan.problems], hints)
        try:
            with transaction.atomic():
                fiscal_year = plan.fiscal_year or fiscal_year_create(year=year)
                target = plan.department or department_create(name=department)
                sheet = sheet_import_with_vocabulary(
                    fiscal_year=fiscal_year,
                    department=target,
                    data=plan.data,
                    achievements=plan.achievements,
                    new_categories=plan.new_categories,
                    new_sections=plan.new_sections,
                    replace=replace,
                )
        except SheetImportError as error:
            self._fail(error.problems)
        created = [
            *([f"年度 {fiscal_year_label(year)}"] if plan.create_fiscal_year else []),
            *([f"部 {department}"] if plan.create_department else []),
            *(f"分類 {name}" for name in plan.new_categories),
            *(f"課 {name}" for name in plan.new_sections),
        ]
        for label in created:
            self.stdout.write(f"登録しました: {label}")
        self.stdout.write(
            self.style.SUCCESS(
                f"読み込みました: {sheet}（実施項目 {len(plan.data.items)}件"
                + (f"、達成状況 {plan.achievement_count}件" if plan.achievement_count else "")
                + ("、置き換え" if plan.existing else "")
                + "）"
            )
        )

    def _fail(self, problems: list[str], hints: list[str] = ()):
        for line in [*problems, *hints]:
            self.stderr.write(line)
        raise CommandError(
            f"読み込みませんでした（問題 {len(problems)}件）。何も変更していません。"
        )
