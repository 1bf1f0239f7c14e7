"""The real OpenLDAP server for the directory tests: one per test session (per xdist worker)."""

import os

import pytest

from tests.accounts.slapd import slapd_binary, slapd_start


@pytest.fixture(scope="session")
def slapd_server(tmp_path_factory):
    binary = slapd_binary()
    if binary is None:
        reason = (
            "slapd (Debian's OpenLDAP server) is not installed: "
            "apt-get install slapd ldap-utils (.ci/run installs them)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the directory tests: {reason}")
        pytest.skip(reason)
    server = slapd_start(tmp_path_factory.mktemp("slapd"), binary)
    yield server
    server.stop()


@pytest.fixture
def directory(settings, slapd_server):
    """Directory sign-in switched on against the test slapd."""
    settings.LDAP_SETTINGS = slapd_server.settings()
    return slapd_server
