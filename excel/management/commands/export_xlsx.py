from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.wareki import fiscal_year_label
from excel import xlsx
from goals.models import GoalSheet
from goals.selectors import sheet_with_content


class Command(BaseCommand):
    help = "部の組織目標展開整理表を Excel（.xlsx、公式の様式）に書き出します。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度（西暦。例: 2026）")
        parser.add_argument("--department", required=True, help="部名（例: 市民部）")
        parser.add_argument(
            "--kind",
            choices=sorted(xlsx.KINDS),
            default=xlsx.KIND_PLAN,
            help="plan（目標設定、既定）または year_end（達成状況の列つき）",
        )
        parser.add_argument(
            "-o", "--output", help="書き出すファイル（省略すると表題にちなんだ名前で現在の場所に）"
        )

    def handle(self, *args, year, department, kind, output, **options):
        sheet = GoalSheet.objects.filter(
            fiscal_year__year=year, department__name=department
        ).first()
        if sheet is None:
            raise CommandError(f"{fiscal_year_label(year)}の{department}の整理表はありません。")
        filename, _, content = xlsx.sheet_xlsx(sheet_with_content(pk=sheet.pk), kind)
        path = Path(output or filename)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"{path} に書き出せません: {error.strerror}") from error
        self.stdout.write(f"書き出しました: {path}（実施項目 {sheet.items.count()}件）")
