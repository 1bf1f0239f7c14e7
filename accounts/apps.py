from django.apps import AppConfig

from accounts import checks  # noqa: F401 - registers the directory settings check


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "アカウント"
