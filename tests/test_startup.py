"""The web and the management commands start without importing WeasyPrint (about half a second
and a few libraries): the URL configuration and the admin load, and no PDF module with them."""

import subprocess
import sys

from django.conf import settings

PROBE = """
import sys
import django
django.setup()
import config.urls  # every view module, as the web server loads them
from django.contrib import admin
admin.autodiscover()
print("weasyprint" in sys.modules)
"""


def test_loading_the_urls_and_the_admin_does_not_import_weasyprint():
    result = subprocess.run(  # noqa: S603 (our own interpreter, a fixed script)
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.development", "PATH": "/usr/bin:/bin"},
        check=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
