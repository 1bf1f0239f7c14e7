"""Daily: the reminders before and after each deadline, and mails whose retry time has come.

Run it once a day (cron or a systemd timer, see README). Running it again the same day sends
nothing twice.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications import tasks


class Command(BaseCommand):
    help = "期限の前後の催促メールを送ります（1日1回。同じ日に何度実行しても二重には送りません）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--every-day",
            action="store_true",
            help=(
                "cron の代わりに、db_worker が毎朝この処理を行うようにします（ジョブを1つ登録し、"
                "実行のたびに翌朝の分を登録します。一度だけ実行してください）。"
            ),
        )
        parser.add_argument(
            "--date",
            help="この日として実行します（YYYY-MM-DD。既定は今日）。試験や再実行に。",
        )

    def handle(self, *args, **options):
        if options["every_day"]:
            if not tasks.reminders_daily.get_backend().supports_defer:
                raise CommandError(
                    "このタスクのバックエンドは実行日時を指定できません（本番の db_worker の"
                    "データベースのキューで使ってください）。"
                    "cron か systemd タイマーで実行してください。"
                )
            at = tasks.next_morning(timezone.now())
            tasks.reminders_daily.using(run_after=at).enqueue()
            self.stdout.write(
                f"毎朝の催促を登録しました（初回 {timezone.localtime(at):%Y-%m-%d %H:%M}）。"
            )
            return
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date は YYYY-MM-DD の形で指定してください。") from None
        else:
            today = timezone.localdate()
        runs, retries = tasks.reminders_send_all(today=today)
        total = 0
        for fiscal_year, run in runs:
            total += len(run.delivery_ids)
            if run.deadlines:
                kinds = "、".join(
                    f"{kind}={deadline.isoformat()}" for kind, deadline in run.deadlines.items()
                )
                self.stdout.write(
                    f"{fiscal_year.label}: 期限 {kinds} の催促 {len(run.delivery_ids)}通"
                    f"（送信済み {run.already_sent}人、催促を止めている {run.skipped_off}人）"
                )
        self.stdout.write(f"{today.isoformat()}: 催促 {total}通、再送 {retries}通")
