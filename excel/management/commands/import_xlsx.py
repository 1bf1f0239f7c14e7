from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.wareki import fiscal_year_label
from departments.models import Department
from excel import xlsx
from excel.selectors import column_mapping_for
from excel.services import column_mapping_remember, sheet_import_with_vocabulary
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
        parser.add_argument(
            "--map",
            dest="column_map",
            default="",
            help="列の読み込み先を指定します（例: 'B=title,C=category,H=-'。"
            "実施項目・分類などの見出し名も使えます。- は読み込まない）。",
        )
        parser.add_argument(
            "--map-file",
            default="",
            help='列の読み込み先を書いたファイル（1行に B=title、または JSON {"B": "title"}）。',
        )
        parser.add_argument(
            "--worksheet",
            default=None,
            help="読み込むシートの名前（なければ部名・年度が合うシート）。",
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help="--replace で削除するもの（実施項目・中間確認・年度末確認）を確かめたうえで"
            "置き換えます（なければ削除するものを表示して終了コード1で終わります）。",
        )
        parser.add_argument(
            "--allow-unread",
            action="store_true",
            help="読み込まない内容（対応づけていない列・非表示・取り消し線・注記など）があっても"
            "読み込みます（なければ何も変更せずに終了コード1で終わります）。",
        )

    def handle(
        self,
        *args,
        file,
        year,
        department,
        replace,
        create_missing,
        allow_unread,
        yes=False,
        **options,
    ):
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path} を読めません: {error.strerror}") from error
        mapping = self._mapping(options.get("column_map", ""), options.get("map_file", ""))
        try:
            imported = xlsx.workbook_read(
                content,
                filename=path.name,
                mapping=mapping,
                worksheet=options.get("worksheet"),
                department=department,
                fiscal_year=year,
                remembered=self._remembered(department),
            )
        except xlsx.WorkbookError as error:
            self._fail([str(error)])
        plan = xlsx.import_plan(
            imported,
            fiscal_year=year,
            department=department,
            create_missing=create_missing,
            replace=replace,
        )
        for message in plan.mismatches:
            self.stdout.write(f"注意: {message}")
        for warning in plan.warnings:
            self.stdout.write(f"注意: {warning}")
        self._print_columns(imported)
        self._print_accounting(imported, verbose=options.get("verbosity", 1) >= 2)
        if not plan.ok:
            hints = []
            if plan.existing is not None and not replace:
                hints.append("置き換えるときは --replace を付けてください。")
            if not create_missing and any("登録されていません" in p.message for p in plan.problems):
                hints.append(
                    "登録されていない年度・部・課・分類は --create-missing で作成できます。"
                )
            self._fail([str(problem) for problem in plan.problems], hints)
        if imported.blocking_unread and not allow_unread:
            self._fail(
                [
                    f"読み込まない内容が {len(imported.blocking_unread)}件あります"
                    "（上の「読み込まない内容」）。"
                ],
                [
                    "ファイルを直すか、読み込まないことを確かめたうえで --allow-unread を"
                    "付けてください。"
                ],
            )
        if plan.existing is not None:
            self._print_deletions(plan)
            if not yes:
                self._fail(
                    ["置き換えると上のものを削除します。"],
                    ["確かめたうえで置き換えるときは --yes を付けてください。"],
                )
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
                column_mapping_remember(
                    department=target, chosen=xlsx.chosen_headings(imported.headings)
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

    def _remembered(self, name: str) -> dict[str, str]:
        department = Department.objects.filter(name=name).first()
        return column_mapping_for(department=department)

    def _mapping(self, typed: str, map_file: str) -> dict[str, str]:
        mapping = {}
        try:
            if map_file:
                try:
                    mapping |= xlsx.mapping_parse(Path(map_file).read_text(encoding="utf-8"))
                except OSError as error:
                    raise CommandError(f"{map_file} を読めません: {error.strerror}") from error
            if typed:
                mapping |= xlsx.mapping_parse(typed)
        except ValueError as error:
            raise CommandError(str(error)) from error
        return mapping

    def _print_columns(self, imported) -> None:
        """Each column: its heading as typed and the field it goes to."""
        if len(imported.worksheets) > 1:
            names = "、".join(
                choice.name + (f"（{choice.notes}）" if choice.notes else "")
                for choice in imported.worksheets
            )
            self.stdout.write(
                f"整理表に見えるシート: {names}。「{imported.worksheet}」を読みます"
                "（ほかのシートは --worksheet で指定）。"
            )
        self.stdout.write(f"シート「{imported.worksheet}」の列:")
        for heading in imported.headings:
            how = f"（{heading.how_label}）" if heading.how_label else ""
            note = f"（{heading.note}）" if heading.note else ""
            typed = heading.heading or "（見出しなし）"
            self.stdout.write(f"  {heading.letter}列「{typed}」→ {heading.field_label}{how}{note}")

    def _print_deletions(self, plan) -> None:
        existing = plan.existing
        reviews = "、".join(
            f"{label} {count}件" for label, count in plan.existing_reviews_by_stage.items()
        )
        self.stdout.write(
            f"置き換え: {plan.fiscal_year_label}の{plan.department_name}の整理表"
            f"（状態: {existing.get_status_display()}）を置き換えます。"
        )
        self.stdout.write(f"  削除するもの: 実施項目 {plan.existing_items}件、{reviews}")
        if existing.status != "draft":
            self.stdout.write(
                f"  「{existing.get_status_display()}」の状態は解除され、「作成中」に戻ります。"
            )

    def _print_accounting(self, imported, *, verbose: bool) -> None:
        """Where every non-empty cell went: a summary, the cells not read, all with -v 2."""
        counts = imported.accounting
        self.stdout.write(
            f"セル {counts['all']}件: 読み込む {counts['read']}件、"
            f"読み込まない内容 {counts['unread']}件、"
            f"ページ番号・繰り返しの見出しなど {counts['layout']}件"
        )
        shown = imported.cells if verbose else imported.unread_cells
        if imported.unread_cells and not verbose:
            self.stdout.write("読み込まない内容:")
        for use in shown:
            self.stdout.write(f"  {use}")

    def _fail(self, problems: list[str], hints: list[str] = ()):
        for line in [*problems, *hints]:
            self.stderr.write(line)
        raise CommandError(
            f"読み込みませんでした（問題 {len(problems)}件）。何も変更していません。"
        )
