"""Settings modules: `base` (shared), `development` (the default) and `production`.

Set DJANGO_SETTINGS_MODULE to `config.settings.development` (what manage.py, wsgi.py and pytest
default to) or `config.settings.production`. Neither star-imports the other: both import `base`,
so a value that depends on DEBUG is decided in the module that decides DEBUG.
"""
