from axes.apps import AppConfig as AxesAppConfig
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    """django-axes under a Japanese name in the admin (its strings: locale/ja)."""

    verbose_name = "ログイン試行の制限"


class TasksDatabaseConfig(TasksAppConfig):
    """django-tasks' database queue (the whole-city PDF jobs) under a Japanese name."""

    verbose_name = "バックグラウンド処理"
