"""Directory settings: off without LDAP_SERVER_URI, read from LDAP_*, refused when wrong."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.checks import check_directory_settings
from accounts.directory import DirectoryBackend, directory_config

BASE = {"LDAP_SERVER_URI": "ldap://dc1.city.example", "LDAP_USER_SEARCH_BASE": "dc=city"}


def test_off_without_a_server_uri(settings):
    assert directory_config({}) is None
    assert directory_config({"LDAP_BIND_DN": "cn=x"}) is None
    settings.LDAP_SETTINGS = {}
    assert DirectoryBackend().authenticate(None, username="yamada", password="x") is None


def test_defaults_suit_openldap():
    config = directory_config(BASE)
    assert config.server_uris == ("ldap://dc1.city.example",)
    assert config.username_attr == "uid"
    assert config.employee_number_attr == "employeeNumber"
    assert (config.last_name_attr, config.first_name_attr, config.email_attr) == (
        "sn",
        "givenName",
        "mail",
    )
    assert not config.start_tls and config.user_filter == "" and config.timeout == 5


def test_an_active_directory_setup():
    config = directory_config(
        BASE
        | {
            "LDAP_SERVER_URI": "ldaps://dc1.city.example, ldaps://dc2.city.example",
            "LDAP_USERNAME_ATTR": "sAMAccountName",
            "LDAP_EMPLOYEE_NUMBER_ATTR": "employeeID",
            "LDAP_FULL_NAME_ATTR": "displayName",
            "LDAP_USER_FILTER": "objectClass=user",
        }
    )
    assert config.server_uris == ("ldaps://dc1.city.example", "ldaps://dc2.city.example")
    assert config.username_attr == "sAMAccountName"
    assert config.user_filter == "(objectClass=user)"  # parentheses added
    assert "employeeID" in config.attributes and "displayName" in config.attributes


@pytest.mark.parametrize(
    "values",
    [
        {"LDAP_SERVER_URI": "ldap://dc1"},  # no search base
        BASE | {"LDAP_SERVER_URI": "dc1.city.example"},
        BASE | {"LDAP_START_TLS": "maybe"},
        BASE | {"LDAP_SERVER_URI": "ldaps://dc1", "LDAP_START_TLS": "true"},
    ],
)
def test_wrong_settings_are_refused(values):
    with pytest.raises(ImproperlyConfigured):
        directory_config(values)


def test_the_system_check_reports_wrong_settings(settings):
    settings.LDAP_SETTINGS = {"LDAP_SERVER_URI": "ldap://dc1"}
    errors = check_directory_settings()
    assert [error.id for error in errors] == ["accounts.E001"]
    assert "LDAP_USER_SEARCH_BASE" in errors[0].msg
    settings.LDAP_SETTINGS = BASE | {"LDAP_TIMEOUT": "five"}
    assert check_directory_settings()
    settings.LDAP_SETTINGS = BASE
    assert check_directory_settings() == []
