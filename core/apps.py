from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor: Japanese dates and text, bounded fields, HTTP and spreadsheet helpers.

    Imports nothing of ours (`make lint` checks it), so every other app may build on it."""

    name = "core"
    verbose_name = "共通"
