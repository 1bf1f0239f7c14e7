"""python manage.py export_pdf --year 2026 [--department 市民部] [--kind plan] [-o FILE]

Without --department: the whole city (cover, contents, every department's sheet). With
--kind section_review and a department: every section's review sheet of that department in one
file, each section starting on a new page with its own bookmark (--section for just one).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.wareki import fiscal_year_label
from departments.models import Department, Section
from goals.models import FiscalYear, GoalSheet, PrintKind
from goals.selectors import sheets_with_content
from printing import pdf
from printing.coverage import sheet_unprintable

SECTION_REVIEW = "section_review"


class Command(BaseCommand):
    help = "組織目標の PDF（整理表・達成状況・中間確認・課の実行計画・全庁版）を書き出します。"

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="年度（西暦）。例: 2026（令和8年度）")
        parser.add_argument("--department", help="部名。省略すると全庁版（表紙・目次付き）。")
        parser.add_argument(
            "--kind",
            default=PrintKind.PLAN,
            choices=[*PrintKind.values, SECTION_REVIEW],
            help="plan（整理表）、year_end（達成状況つき）、mid_year（中間確認）、"
            "section_review（課の実行計画。--department が必要）",
        )
        parser.add_argument("--section", help="--kind section_review で1つの課だけにするときの課名")
        parser.add_argument(
            "--include-unaccepted",
            action="store_true",
            help="全庁版に承認前の整理表も入れる（各ページに「案」と印刷）。",
        )
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help="中間確認に作成中の確認（下書き）の文面も印刷する。",
        )
        parser.add_argument(
            "-o", "--output", help="書き出すファイル。省略すると日本語のファイル名で今の場所に。"
        )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        year_text = str(options["year"]).strip()
        if not year_text.isdigit():
            raise CommandError(f"年度は西暦の数字で指定してください（例: 2026）。「{year_text}」")
        fiscal_year = FiscalYear.objects.filter(year=int(year_text)).first()
        if fiscal_year is None:
            raise CommandError(
                f"{fiscal_year_label(int(year_text))}（{year_text}）は登録されていません。"
            )
        kind = options["kind"]
        if kind == SECTION_REVIEW and not options["department"]:
            raise CommandError("--kind section_review には --department も指定してください。")
        self._warn_unprintable(fiscal_year, options["department"])
        try:
            if options["department"]:
                filename, _, data = self._department(fiscal_year, kind, options)
            else:
                filename, _, data = pdf.city_pdf(
                    fiscal_year,
                    kind,
                    progress=self._progress,
                    include_unaccepted=options["include_unaccepted"],
                )
        except pdf.PdfRenderError as error:
            raise CommandError(str(error)) from error
        output = Path(options["output"] or filename)
        try:
            output.write_bytes(data)
        except OSError as error:
            raise CommandError(f"{output} に書き出せませんでした: {error.strerror}") from error
        self.stdout.write(f"{output} を書き出しました（{pdf.page_count(data)}ページ）。")

    def _department(self, fiscal_year, kind, options):
        name = options["department"].strip()
        department = Department.objects.filter(name=name).first()
        if department is None:
            raise CommandError(f"部「{name}」は登録されていません。")
        sheet = GoalSheet.objects.filter(fiscal_year=fiscal_year, department=department).first()
        if sheet is None:
            raise CommandError(f"{fiscal_year.label}の{department.name}の整理表はありません。")
        if kind != SECTION_REVIEW:
            if options["section"]:
                raise CommandError("--section は --kind section_review のときだけ使えます。")
            return pdf.sheet_pdf(sheet, kind, include_drafts=options["include_drafts"])
        if options["section"]:
            section_name = options["section"].strip()
            section = Section.objects.filter(department=department, name=section_name).first()
            if section is None:
                raise CommandError(f"課「{section_name}」は{department.name}に登録されていません。")
            return pdf.section_review_pdf(sheet, section)
        if not pdf.sections_with_items(sheet):
            raise CommandError(f"{department.name}には実施項目を担当する課がありません。")
        return pdf.section_reviews_pdf(sheet)

    def _warn_unprintable(self, fiscal_year, department_name: str | None) -> None:
        """Before printing: the texts with characters the PDF's fonts cannot draw (→ 〓)."""
        sheets = sheets_with_content(fiscal_year=fiscal_year)
        if department_name:
            sheets = [s for s in sheets if s.department.name == department_name.strip()]
        for sheet in sheets:
            for found in sheet_unprintable(sheet):
                self.stderr.write(
                    self.style.WARNING(f"注意: {sheet.department.name} {found.message}")
                )

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self.verbosity >= 2:
            self.stderr.write(f"{stage}（{done}/{total}）")
