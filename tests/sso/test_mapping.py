"""Directory groups → role and contracts (sso/mapping.py), and the settings that configure
them (itsm/settings/sso.py): bad values stop start-up with the variable's name."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.roles import Role
from itsm.settings.sso import ldap_settings, oidc_settings
from sso.mapping import GroupMapping, ldap_group_key

ENGINEERS = "cn=Engineers,ou=Groups,dc=example,dc=com"


def _ldap(roles, contracts=None):
    return GroupMapping(roles={ldap_group_key(g): r for g, r in roles.items()},
                        contracts={ldap_group_key(g): tuple(c) for g, c in
                                   (contracts or {}).items()}, source="ldap")


def test_it_gives_the_highest_role_of_the_groups_held():
    mapping = _ldap({ENGINEERS: Role.ENGINEER, "cn=pm,dc=x": Role.PROJECT_MANAGER})
    assert mapping.role_for([ENGINEERS, "cn=PM, dc=x"]) == Role.PROJECT_MANAGER


def test_it_gives_the_least_role_to_someone_in_no_mapped_group():
    assert _ldap({ENGINEERS: Role.ENGINEER}).role_for(["cn=other,dc=x"]) == Role.END_USER


def test_it_leaves_the_role_alone_when_no_role_groups_are_configured():
    assert _ldap({}).role_for([ENGINEERS]) is None


def test_ldap_group_names_compare_without_case_or_spacing():
    mapping = _ldap({ENGINEERS: Role.ENGINEER})
    assert mapping.role_for(["CN=engineers, OU=groups, DC=example, DC=com"]) == Role.ENGINEER


def test_oidc_group_names_compare_exactly():
    mapping = GroupMapping(roles={"Engineers": Role.ENGINEER}, contracts={}, source="oidc")
    assert mapping.role_for(["engineers"]) == Role.END_USER


def test_contracts_come_from_every_group_held():
    mapping = _ldap({}, {ENGINEERS: ["A", "B"], "cn=c,dc=x": ["C"], "cn=d,dc=x": ["D"]})
    assert mapping.contract_codes_for([ENGINEERS, "cn=c,dc=x"]) == {"A", "B", "C"}
    assert mapping.managed_contract_codes == {"A", "B", "C", "D"}


def test_a_misspelt_role_stops_start_up(monkeypatch):
    monkeypatch.setenv("OIDC_ISSUER", "https://sso.example.com/realms/itsm")
    monkeypatch.setenv("OIDC_RP_CLIENT_ID", "itsm")
    monkeypatch.setenv("OIDC_RP_CLIENT_SECRET", "secret")
    monkeypatch.setenv("OIDC_ROLE_GROUPS", '{"itsm-admins": "administrator"}')
    with pytest.raises(ImproperlyConfigured, match="OIDC_ROLE_GROUPS.*administrator.*no role"):
        oidc_settings()


def test_ldap_settings_read_the_bind_password_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "bind"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("LDAP_SERVER_URI", "ldaps://ad.example.com")
    monkeypatch.setenv("LDAP_USER_SEARCH_BASE", "dc=example,dc=com")
    monkeypatch.setenv("LDAP_BIND_PASSWORD_FILE", str(secret))
    assert ldap_settings()["AUTH_LDAP_BIND_PASSWORD"] == "s3cret"
    monkeypatch.setenv("LDAP_BIND_PASSWORD", "too")
    with pytest.raises(ImproperlyConfigured, match="LDAP_BIND_PASSWORD or"):
        ldap_settings()


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("LDAP_USER_SEARCH_FILTER", "(uid=alice)", "must contain %\\(user\\)s"),
    ("LDAP_GROUP_TYPE", "nis", "LDAP_GROUP_TYPE must be one of"),
    ("LDAP_ROLE_GROUPS", '["cn=x"]', "LDAP_ROLE_GROUPS must be a JSON object"),
    ("LDAP_CONTRACT_GROUPS", '{"cn=x": [1]}', "LDAP_CONTRACT_GROUPS maps each group"),
])
def test_bad_ldap_settings_name_the_variable(monkeypatch, variable, value, message):
    monkeypatch.setenv("LDAP_SERVER_URI", "ldap://127.0.0.1")
    monkeypatch.setenv("LDAP_USER_SEARCH_BASE", "dc=example,dc=com")
    monkeypatch.setenv("LDAP_GROUP_SEARCH_BASE", "ou=groups,dc=example,dc=com")
    monkeypatch.setenv(variable, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        ldap_settings()


def test_group_mappings_need_a_group_search_base(monkeypatch):
    monkeypatch.setenv("LDAP_SERVER_URI", "ldap://127.0.0.1")
    monkeypatch.setenv("LDAP_USER_SEARCH_BASE", "dc=example,dc=com")
    monkeypatch.setenv("LDAP_ROLE_GROUPS", '{"cn=x": "engineer"}')
    with pytest.raises(ImproperlyConfigured, match="LDAP_GROUP_SEARCH_BASE"):
        ldap_settings()


def test_oidc_is_off_without_an_issuer(monkeypatch):
    monkeypatch.delenv("OIDC_ISSUER", raising=False)
    monkeypatch.delenv("OIDC_OP_AUTHORIZATION_ENDPOINT", raising=False)
    assert oidc_settings()["OIDC_ENABLED"] is False


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("OIDC_RP_SIGN_ALGO", "HS256", "RS, PS or ES"),
    ("OIDC_RP_SCOPES", "email profile", "must include openid"),
    ("OIDC_RP_CLIENT_SECRET", "", "OIDC_RP_CLIENT_SECRET"),
])
def test_bad_oidc_settings_name_the_variable(monkeypatch, variable, value, message):
    monkeypatch.setenv("OIDC_ISSUER", "https://sso.example.com/realms/itsm")
    monkeypatch.setenv("OIDC_RP_CLIENT_ID", "itsm")
    monkeypatch.setenv("OIDC_RP_CLIENT_SECRET", "secret")
    monkeypatch.setenv(variable, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        oidc_settings()


def test_oidc_endpoints_set_one_by_one_need_no_issuer(monkeypatch):
    base = "https://login.example.com/oauth2"
    for name, path in (("AUTHORIZATION", "/authorize"), ("TOKEN", "/token"),
                       ("USER", "/userinfo")):
        monkeypatch.setenv(f"OIDC_OP_{name}_ENDPOINT", base + path)
    monkeypatch.setenv("OIDC_RP_CLIENT_ID", "itsm")
    monkeypatch.setenv("OIDC_RP_CLIENT_SECRET", "secret")
    with pytest.raises(ImproperlyConfigured, match="OIDC_OP_JWKS_ENDPOINT"):
        oidc_settings()
    monkeypatch.setenv("OIDC_OP_JWKS_ENDPOINT", base + "/keys")
    values = oidc_settings()
    assert values["OIDC_ENABLED"] and values["OIDC_OP_TOKEN_ENDPOINT"] == base + "/token"
