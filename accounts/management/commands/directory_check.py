from django.core.management.base import BaseCommand, CommandError
from ldap3.core.exceptions import LDAPException

from accounts.directory import directory_lookup
from accounts.directory_settings import directory_config
from accounts.selectors import account_find_by_employee_number


class Command(BaseCommand):
    help = (
        "ディレクトリでのログインの設定（LDAP_*）を確かめます。サービス用アカウントで接続し、"
        "指定したアカウント名の項目と、読み取った職員番号・氏名・メール、つながるアカウントを表示します"
        "（パスワードは使いません）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="ログイン画面で入力するアカウント名（例: yamada）")

    def handle(self, *args, username, **options):
        config = directory_config()
        if config is None:
            raise CommandError(
                "LDAP_SERVER_URI が設定されていません（ディレクトリでのログインは無効です）。"
            )
        try:
            entry = directory_lookup(config, username=username)
        except LDAPException as error:
            raise CommandError(f"ディレクトリに接続できません: {error}") from error
        if entry is None:
            raise CommandError(
                f"{username} に当たる項目が見つかりません（LDAP_BIND_DN・LDAP_USER_SEARCH_BASE・"
                "LDAP_USERNAME_ATTR・LDAP_USER_FILTER を確かめてください。"
                "無効なアカウントは条件で外れます）。"
            )
        account = account_find_by_employee_number(employee_number=entry.employee_number)
        self.stdout.write(f"項目: {entry.dn}")
        self.stdout.write(f"職員番号: {entry.employee_number or '（なし: ログインできません）'}")
        self.stdout.write(f"氏名: {entry.last_name} {entry.first_name}".rstrip())
        self.stdout.write(f"メール: {entry.email or '（なし）'}")
        if account is not None:
            self.stdout.write(
                f"アカウント: {account.username}（ログインでこのアカウントになります）"
            )
        elif entry.employee_number:
            self.stdout.write("アカウント: まだありません（初めてのログインで作成します）")
