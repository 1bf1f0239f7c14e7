"""`manage.py check` (and runserver, migrate) says at once when the LDAP_* settings are wrong,
instead of the first sign-in failing."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from accounts.directory_settings import directory_config


@checks.register(checks.Tags.security)
def check_directory_settings(app_configs=None, **kwargs):
    try:
        directory_config()
    except (ImproperlyConfigured, ValueError) as error:
        return [
            checks.Error(
                f"ディレクトリでのログインの設定（LDAP_*）が正しくありません: {error}",
                id="accounts.E001",
            )
        ]
    return []
