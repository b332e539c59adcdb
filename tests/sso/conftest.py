"""Fixtures of the single sign-on tests: a private slapd with people and groups, an OpenID
Connect provider stub, and the settings a deployer would set for each (read through
itsm/settings/sso.py from a test environment, so the tests exercise the real parsing)."""

import json

import pytest

from itsm.settings.sso import ldap_settings, oidc_settings, sso_backends
from sso.oidc import forget_provider_metadata
from tests.factories import ContractFactory, ProviderFactory
from tests.sso.provider import Provider
from tests.sso.slapd import GROUPS, Slapd, group_ldif, person_ldif, slapd_available

PASSWORDS = {"alice": "alice-directory-pw", "bob": "bob-directory-pw",
             "carol": "carol-directory-pw", "dave": "dave-directory-pw"}
# Who is in which group when the directory starts.
GROUP_MEMBERS = {"itsm-engineers": ["alice"], "itsm-admins": ["carol"],
                 "itsm-client-it": ["bob"], "contract-a": ["alice", "bob"],
                 "contract-b": ["bob"], "not-mapped": ["dave"]}
ROLE_GROUPS = {"itsm-engineers": "engineer", "itsm-admins": "admin",
               "itsm-client-it": "client_contact"}
CONTRACT_GROUPS = {"contract-a": ["SSO-A"], "contract-b": ["SSO-B"]}


def apply_settings(settings, values: dict, *, ldap=False, oidc=False) -> None:
    for name, value in values.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = sso_backends(ldap_enabled=ldap, oidc_enabled=oidc)


@pytest.fixture
def contracts(db):
    """Two contracts of one provider for two clients; the mappings name them."""
    provider = ProviderFactory(code="PROV", name="华信运维")
    return {"SSO-A": ContractFactory(code="SSO-A", provider=provider),
            "SSO-B": ContractFactory(code="SSO-B", provider=provider),
            "OTHER": ContractFactory(code="OTHER", provider=provider)}


@pytest.fixture
def slapd(tmp_path):
    if not slapd_available():
        pytest.skip("Debian's slapd and ldap-utils are not installed "
                    "(scripts/system-packages.sh --ci)")
    server = Slapd(tmp_path / "slapd")
    entries = [person_ldif(uid, f"目录 {uid}", pw) for uid, pw in PASSWORDS.items()]
    entries += [group_ldif(cn, members) for cn, members in GROUP_MEMBERS.items()]
    server.start(entries)
    try:
        yield server
    finally:
        server.stop()


def group_dn(cn: str) -> str:
    return f"cn={cn},{GROUPS}"


@pytest.fixture
def ldap_on(slapd, settings, monkeypatch, contracts):
    """LDAP sign-in against the private slapd, as docs/operations/sso.md configures it."""
    monkeypatch.setenv("LDAP_SERVER_URI", slapd.uri)
    monkeypatch.setenv("LDAP_USER_SEARCH_BASE", "ou=people,dc=example,dc=com")
    monkeypatch.setenv("LDAP_GROUP_SEARCH_BASE", GROUPS)
    # Spelt with other case and spacing than the directory's: DNs compare without them.
    monkeypatch.setenv("LDAP_ROLE_GROUPS", json.dumps(
        {group_dn(cn).upper().replace(",", ", "): role for cn, role in ROLE_GROUPS.items()}))
    monkeypatch.setenv("LDAP_CONTRACT_GROUPS", json.dumps(
        {group_dn(cn): codes for cn, codes in CONTRACT_GROUPS.items()}))
    apply_settings(settings, ldap_settings(), ldap=True)
    return slapd


@pytest.fixture
def provider():
    forget_provider_metadata()
    stub = Provider().start()
    try:
        yield stub
    finally:
        stub.stop()
        forget_provider_metadata()


@pytest.fixture
def oidc_on(provider, settings, monkeypatch, contracts):
    for name, value in provider.settings().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OIDC_ROLE_GROUPS", json.dumps(ROLE_GROUPS))
    monkeypatch.setenv("OIDC_CONTRACT_GROUPS", json.dumps(CONTRACT_GROUPS))
    apply_settings(settings, oidc_settings(), oidc=True)
    return provider

