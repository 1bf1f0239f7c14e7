"""Entry points of the worker processes that render the whole city's PDF (see goals/pdf.py).

A spawned worker starts with nothing loaded, and unpickles these functions before anything else:
so this module imports no Django model. `setup` loads Django (settings and apps, for the static
files; a worker never touches the database) and `render_to_cache` renders one department.
"""

import os


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
    import django

    django.setup()


def render_to_cache(html: str, path: str) -> None:
    from goals.pdf import render_to_cache as render

    render(html, path)
