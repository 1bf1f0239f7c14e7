"""Daily: the reminders before and after each deadline, and mails whose retry time has come.

Run it once a day (cron or a systemd timer, see README). Running it again the same day sends
nothing twice.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from goals.models import FiscalYear
from notifications import selectors, services, tasks


class Command(BaseCommand):
    help = "期限の前後の催促メールを送ります（1日1回。同じ日に何度実行しても二重には送りません）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="この日として実行します（YYYY-MM-DD。既定は今日）。試験や再実行に。",
        )

    def handle(self, *args, **options):
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date は YYYY-MM-DD の形で指定してください。") from None
        else:
            today = timezone.localdate()
        retries = selectors.deliveries_due_for_retry(now=timezone.now())
        tasks.deliveries_enqueue(retries)
        total = 0
        for fiscal_year in FiscalYear.objects.exclude(phase=FiscalYear.Phase.CLOSED):
            run = services.reminders_send(fiscal_year=fiscal_year, today=today)
            tasks.deliveries_enqueue(run.delivery_ids)
            total += len(run.delivery_ids)
            if run.deadlines:
                kinds = "、".join(
                    f"{kind}={deadline.isoformat()}" for kind, deadline in run.deadlines.items()
                )
                self.stdout.write(
                    f"{fiscal_year.label}: 期限 {kinds} の催促 {len(run.delivery_ids)}通"
                    f"（送信済み {run.already_sent}人、催促を止めている {run.skipped_off}人）"
                )
        self.stdout.write(f"{today.isoformat()}: 催促 {total}通、再送 {len(retries)}通")
