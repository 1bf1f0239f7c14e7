import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.loaders import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "デモデータ（公表された整理表、組織、尺度、デモ用ログイン）を読み込みます。"
        "何度実行しても重複しません。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "DEBUG がオフでもデモ用ログインを作成します（パスワードは demo ではなく、"
                "その場で作ったものを一度だけ表示します）。"
            ),
        )
        parser.add_argument(
            "--reset", action="store_true", help="既にあるデモの整理表を読み込み直します。"
        )
        parser.add_argument(
            "--no-users", action="store_true", help="デモ用ログインを作成しません。"
        )

    def handle(self, *args, force, reset, no_users, **options):
        create_users = not no_users
        if create_users and not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG がオフのため、デモ用ログイン（パスワード demo）は作成しません。"
                "本当に作成する場合は --force を、整理表だけなら --no-users を付けてください。"
            )
        # With DEBUG off (production settings) a documented password such as admin/demo would be
        # an open door: the logins get a random one, shown here once and stored nowhere else.
        password = DEMO_PASSWORD if settings.DEBUG else secrets.token_urlsafe(12)
        report = load_demo(reset=reset, create_users=create_users, password=password)
        for label in report.created:
            self.stdout.write(f"読み込みました: {label}")
        for label in report.skipped:
            self.stdout.write(f"既にあります（そのままにしました）: {label}")
        if report.logins:
            self.stdout.write(
                self.style.SUCCESS(f"\nデモ用ログイン（パスワードはすべて {password}）:")
            )
            for login in report.logins:
                self.stdout.write(f"  {login.username:<14} {login.role}（{login.name}）")
