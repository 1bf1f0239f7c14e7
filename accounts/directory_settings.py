"""The directory's settings, read from the LDAP_* environment variables
(`settings.LDAP_SETTINGS`); imports no models, so that the system check can load it early."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class DirectoryConfig:
    server_uris: tuple[str, ...]
    start_tls: bool
    ca_file: str
    bind_dn: str
    bind_password: str
    user_search_base: str
    username_attr: str
    user_filter: str
    employee_number_attr: str
    full_name_attr: str
    last_name_attr: str
    first_name_attr: str
    email_attr: str
    timeout: int

    @property
    def attributes(self) -> list[str]:
        names = [
            self.employee_number_attr,
            self.full_name_attr,
            self.last_name_attr,
            self.first_name_attr,
            self.email_attr,
        ]
        return [name for name in names if name]


def _flag(values: Mapping[str, str], name: str) -> bool:
    value = (values.get(name) or "").strip().lower()
    if value in {"", "0", "false", "no", "off"}:
        return False
    if value in {"1", "true", "yes", "on"}:
        return True
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def directory_config(values: Mapping[str, str] | None = None) -> DirectoryConfig | None:
    """The directory's settings, or None when LDAP_SERVER_URI is not set (no directory)."""
    values = settings.LDAP_SETTINGS if values is None else values
    uris = tuple(u.strip() for u in (values.get("LDAP_SERVER_URI") or "").split(",") if u.strip())
    if not uris:
        return None
    for uri in uris:
        if not uri.lower().startswith(("ldap://", "ldaps://")):
            raise ImproperlyConfigured(
                f"LDAP_SERVER_URI must start with ldap:// or ldaps://, not {uri!r}"
            )
    search_base = (values.get("LDAP_USER_SEARCH_BASE") or "").strip()
    if not search_base:
        raise ImproperlyConfigured("LDAP_USER_SEARCH_BASE must be set with LDAP_SERVER_URI.")
    start_tls = _flag(values, "LDAP_START_TLS")
    if start_tls and any(uri.lower().startswith("ldaps://") for uri in uris):
        raise ImproperlyConfigured("LDAP_START_TLS is for ldap:// URIs; ldaps:// is TLS already.")
    user_filter = (values.get("LDAP_USER_FILTER") or "").strip()
    if user_filter and not user_filter.startswith("("):
        user_filter = f"({user_filter})"
    ca_file = (values.get("LDAP_CA_FILE") or "").strip()
    return DirectoryConfig(
        server_uris=uris,
        start_tls=start_tls,
        ca_file=ca_file,
        bind_dn=(values.get("LDAP_BIND_DN") or "").strip(),
        bind_password=values.get("LDAP_BIND_PASSWORD") or "",
        user_search_base=search_base,
        username_attr=(values.get("LDAP_USERNAME_ATTR") or "uid").strip(),
        user_filter=user_filter,
        employee_number_attr=(values.get("LDAP_EMPLOYEE_NUMBER_ATTR") or "employeeNumber").strip(),
        full_name_attr=(values.get("LDAP_FULL_NAME_ATTR") or "").strip(),
        last_name_attr=(values.get("LDAP_LAST_NAME_ATTR") or "sn").strip(),
        first_name_attr=(values.get("LDAP_FIRST_NAME_ATTR") or "givenName").strip(),
        email_attr=(values.get("LDAP_EMAIL_ATTR") or "mail").strip(),
        timeout=int(values.get("LDAP_TIMEOUT") or "5"),
    )
