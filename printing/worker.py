"""The initializer of the worker processes that render the whole city's PDF side by side.

A spawned worker starts with nothing loaded. `setup` loads Django (settings and apps, for the
static files; a worker never touches the database) before the pool hands it any part, so the
parts' function (`printing.pdf.renderer.render_to_cache`) and its imports unpickle afterwards.
This module imports nothing of ours, so that it can be imported before Django is set up.
"""

import os

import django


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
    django.setup()
