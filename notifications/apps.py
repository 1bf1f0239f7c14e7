from importlib import import_module

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "通知（メール）"

    def ready(self):
        # The receivers reach the models (through the tasks): loaded once the apps are ready.
        import_module(f"{self.name}.receivers").connect()
