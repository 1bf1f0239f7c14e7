"""Signing in with the city's directory (LDAP / Active Directory), beside the local accounts.

On only when LDAP_SERVER_URI is set; every setting comes from an LDAP_* environment variable
(`settings.LDAP_SETTINGS`, README「ディレクトリでのログイン」). The backend searches the entry by
the name typed on the login page with the service account (LDAP_BIND_DN), then binds as that
entry with the typed password, so that the directory alone decides whether the password is
right; the account is then the local one with the entry's 職員番号 (the roster's), linked or
created on first sign-in, with its 氏名 and mail copied from the directory.

Built on ldap3 (pure Python, so `make run` needs nothing but Python). django-python3-ldap, on the
same library, binds only with a DN built from the typed name and creates users by username;
searching first and linking by 職員番号 would have replaced both halves of it.

django-axes stays first in AUTHENTICATION_BACKENDS: a locked-out name never reaches the directory,
and a failure here counts like a wrong local password.
"""

import logging
import ssl
from collections.abc import Mapping
from dataclasses import dataclass

import ldap3
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import Q
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

from accounts import services
from accounts.directory_settings import DirectoryConfig, directory_config
from accounts.models import employee_number_normalize
from accounts.selectors import account_find_by_employee_number

logger = logging.getLogger(__name__)

User = get_user_model()


@dataclass(frozen=True)
class DirectoryEntry:
    dn: str
    employee_number: str
    last_name: str
    first_name: str
    email: str


def _server(config: DirectoryConfig):
    tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=config.ca_file or None)
    servers = [
        ldap3.Server(uri, connect_timeout=config.timeout, tls=tls, get_info=ldap3.NONE)
        for uri in config.server_uris
    ]
    if len(servers) == 1:
        return servers[0]
    # In the order given: the next one when a server does not answer within LDAP_TIMEOUT.
    return ldap3.ServerPool(servers, ldap3.FIRST, active=1, exhaust=True)


def _bound(config: DirectoryConfig, server, *, user: str | None, password: str | None):
    """A connection bound as `user` (None: anonymous), or None when the bind is refused."""
    connection = ldap3.Connection(
        server,
        user=user,
        password=password,
        read_only=True,
        receive_timeout=config.timeout,
        raise_exceptions=False,
    )
    if config.start_tls:
        connection.open()
        if not connection.start_tls():
            connection.unbind()
            raise LDAPException("StartTLS was refused")
    if not connection.bind():
        connection.unbind()
        return None
    return connection


def _first(attributes: Mapping, name: str) -> str:
    if not name:
        return ""
    value = attributes.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value or "").strip()


def _search(config: DirectoryConfig, server, username: str) -> dict | None:
    """The one entry of `username`, searched as the service account (None: none, several,
    or the service account refused)."""
    search_filter = (
        f"(&({config.username_attr}={escape_filter_chars(username)}){config.user_filter})"
    )
    service = _bound(
        config,
        server,
        user=config.bind_dn or None,
        password=config.bind_password if config.bind_dn else None,
    )
    if service is None:
        logger.error("ディレクトリ: サービス用アカウント（LDAP_BIND_DN）で接続できません。")
        return None
    try:
        service.search(
            config.user_search_base,
            search_filter,
            search_scope=ldap3.SUBTREE,
            attributes=config.attributes,
            size_limit=2,
        )
        found = [entry for entry in service.response or [] if entry["type"] == "searchResEntry"]
    finally:
        service.unbind()
    if len(found) > 1:
        logger.warning("ディレクトリ: %s に当たる項目が複数あります。", username)
    return found[0] if len(found) == 1 else None


def _entry(config: DirectoryConfig, found: dict) -> DirectoryEntry:
    attributes = found.get("attributes") or {}
    last_name = _first(attributes, config.last_name_attr)
    first_name = _first(attributes, config.first_name_attr)
    full_name = _first(attributes, config.full_name_attr)
    if full_name:
        last_name, first_name = services.name_split(full_name)
    return DirectoryEntry(
        dn=found["dn"],
        employee_number=employee_number_normalize(_first(attributes, config.employee_number_attr)),
        last_name=last_name,
        first_name=first_name,
        email=_first(attributes, config.email_attr),
    )


def directory_lookup(config: DirectoryConfig, *, username: str) -> DirectoryEntry | None:
    """The entry the sign-in would use for `username`, without its password (for checking the
    settings: `manage.py directory_check`). Raises LDAPException when the directory is down."""
    found = _search(config, _server(config), username.strip())
    return _entry(config, found) if found else None


def directory_authenticate(
    config: DirectoryConfig, *, username: str, password: str
) -> DirectoryEntry | None:
    """The entry of `username` if `password` is its directory password; None otherwise (no
    such entry, several, filtered out as disabled, a wrong password, the directory down)."""
    username = username.strip()
    if not username or not password:
        return None
    try:
        server = _server(config)
        found = _search(config, server, username)
        if found is None:
            return None
        person = _bound(config, server, user=found["dn"], password=password)
        if person is None:
            return None
        person.unbind()
    except LDAPException as error:
        logger.error("ディレクトリに接続できません: %s", error)
        return None
    return _entry(config, found)


def account_for_directory_entry(entry: DirectoryEntry):
    """The local account of a directory entry, by 職員番号: the one whose profile has it, else
    one whose username is that number and who has no number yet; created when there is none."""
    if not entry.employee_number:
        logger.warning("ディレクトリ: %s に職員番号がないため、ログインさせません。", entry.dn)
        return None
    account = account_find_by_employee_number(employee_number=entry.employee_number)
    try:
        if account is None:
            account = (
                User.objects.filter(username__iexact=entry.employee_number)
                .filter(Q(staff_profile__isnull=True) | Q(staff_profile__employee_number=None))
                .first()
            )
            if account is not None:
                services.account_link_employee_number(
                    account=account, employee_number=entry.employee_number, user=None
                )
        if account is None:
            return services.account_create(
                employee_number=entry.employee_number,
                full_name=f"{entry.last_name} {entry.first_name}",
                email=entry.email,
                user=None,
            )
        services.account_update_from_directory(
            account=account,
            last_name=entry.last_name,
            first_name=entry.first_name,
            email=entry.email,
        )
    except ValidationError as error:
        logger.warning("ディレクトリ: %s のアカウントを用意できません: %s", entry.dn, error)
        return None
    return account


class DirectoryBackend(ModelBackend):
    """Directory sign-in; answers None (next backend) when there is no directory."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        config = directory_config()
        if config is None or not username or not password:
            return None
        entry = directory_authenticate(config, username=username, password=password)
        if entry is None:
            return None
        account = account_for_directory_entry(entry)
        return account if account is not None and self.user_can_authenticate(account) else None
