"""Single sign-on: LDAP / Active Directory (django-auth-ldap) and OpenID Connect
(mozilla-django-oidc), each switched on by setting its address; local accounts keep working
beside them. The operations guide is docs/operations/sso.md; README "Configuration" lists the
variables.

Both read the same way so the tests can build them from a test environment:
``ldap_settings()`` and ``oidc_settings()`` return the Django settings for the current
environment, and ``sso_backends()`` the authentication backends to add after the local ones.
"""

from __future__ import annotations

import ldap
from django.core.exceptions import ImproperlyConfigured
from django_auth_ldap.config import (
    GroupOfNamesType,
    GroupOfUniqueNamesType,
    LDAPSearch,
    NestedActiveDirectoryGroupType,
    PosixGroupType,
)

from accounts.roles import Role
from itsm.env import env_bool, env_int, env_json_object, env_str
from itsm.settings import base

LDAP_BACKEND = "sso.ldap.DirectoryLDAPBackend"
OIDC_BACKEND = "sso.oidc.DirectoryOIDCBackend"

# LDAP_GROUP_TYPE → the group class django-auth-ldap reads memberships with, and the filter
# that finds such groups. Active Directory's type follows nested groups, as AD admins expect.
_GROUP_TYPES = {
    "groupOfNames": (GroupOfNamesType, "(objectClass=groupOfNames)"),
    "groupOfUniqueNames": (GroupOfUniqueNamesType, "(objectClass=groupOfUniqueNames)"),
    "posixGroup": (PosixGroupType, "(objectClass=posixGroup)"),
    "activeDirectory": (NestedActiveDirectoryGroupType, "(objectClass=group)"),
}


def _group_mapping(roles_name: str, roles: dict, contracts_name: str, contracts: dict) -> dict:
    """LDAP_/OIDC_ROLE_GROUPS ({"group": "role"}) and LDAP_/OIDC_CONTRACT_GROUPS
    ({"group": ["CONTRACT-CODE", …]}), checked: a misspelt role stops start-up instead of
    quietly giving nobody that role."""
    for group, role in roles.items():
        if role not in Role.values:
            raise ImproperlyConfigured(
                f"{roles_name} maps {group!r} to {role!r}, which is no role; roles "
                f"are {', '.join(Role.values)}.")
    for group, codes in contracts.items():
        if isinstance(codes, str):
            contracts[group] = codes = [codes]
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ImproperlyConfigured(
                f"{contracts_name} maps each group to a list of contract codes; "
                f"{group!r} maps to {codes!r}.")
    return {roles_name: roles, contracts_name: contracts}


def ldap_settings() -> dict:
    uri = env_str("LDAP_SERVER_URI")
    if uri is None:
        return {"LDAP_ENABLED": False, "LDAP_ROLE_GROUPS": {}, "LDAP_CONTRACT_GROUPS": {}}
    user_base = env_str("LDAP_USER_SEARCH_BASE")
    if user_base is None:
        raise ImproperlyConfigured("LDAP_USER_SEARCH_BASE must be set with LDAP_SERVER_URI.")
    user_filter = env_str("LDAP_USER_SEARCH_FILTER", "(uid=%(user)s)")
    if "%(user)s" not in user_filter:
        raise ImproperlyConfigured(
            f"LDAP_USER_SEARCH_FILTER must contain %(user)s; got {user_filter!r}.")
    timeout = env_int("LDAP_TIMEOUT", 5, minimum=1)
    values = {
        "LDAP_ENABLED": True,
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": env_str("LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": env_str("LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": env_bool("LDAP_START_TLS", False),
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(user_base, ldap.SCOPE_SUBTREE, user_filter),
        "AUTH_LDAP_USER_ATTR_MAP": {"name": env_str("LDAP_NAME_ATTR", "displayName"),
                                    "email": env_str("LDAP_EMAIL_ATTR", "mail")},
        # Name and e-mail, role and contracts follow the directory at every login.
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        # Referrals off: Active Directory answers searches at the domain root with referrals
        # that python-ldap would chase anonymously.
        "AUTH_LDAP_CONNECTION_OPTIONS": {ldap.OPT_NETWORK_TIMEOUT: timeout,
                                         ldap.OPT_TIMEOUT: timeout, ldap.OPT_REFERRALS: 0},
    }
    ca_file = env_str("LDAP_CA_CERT_FILE")
    if ca_file is not None:
        values["AUTH_LDAP_GLOBAL_OPTIONS"] = {ldap.OPT_X_TLS_CACERTFILE: ca_file,
                                              ldap.OPT_X_TLS_REQUIRE_CERT: ldap.OPT_X_TLS_DEMAND}
    values.update(_group_mapping("LDAP_ROLE_GROUPS", env_json_object("LDAP_ROLE_GROUPS"),
                          "LDAP_CONTRACT_GROUPS", env_json_object("LDAP_CONTRACT_GROUPS")))
    group_base = env_str("LDAP_GROUP_SEARCH_BASE")
    require_group = env_str("LDAP_REQUIRE_GROUP")
    if group_base is None:
        if values["LDAP_ROLE_GROUPS"] or values["LDAP_CONTRACT_GROUPS"] or require_group:
            raise ImproperlyConfigured(
                "LDAP_GROUP_SEARCH_BASE must be set to map groups (LDAP_ROLE_GROUPS, "
                "LDAP_CONTRACT_GROUPS) or to require one (LDAP_REQUIRE_GROUP).")
        return values
    type_name = env_str("LDAP_GROUP_TYPE", "groupOfNames")
    if type_name not in _GROUP_TYPES:
        raise ImproperlyConfigured(
            f"LDAP_GROUP_TYPE must be one of {', '.join(_GROUP_TYPES)}; got {type_name!r}.")
    group_type, group_filter = _GROUP_TYPES[type_name]
    values["AUTH_LDAP_GROUP_SEARCH"] = LDAPSearch(
        group_base, ldap.SCOPE_SUBTREE, env_str("LDAP_GROUP_FILTER", group_filter))
    values["AUTH_LDAP_GROUP_TYPE"] = group_type()
    if require_group is not None:
        values["AUTH_LDAP_REQUIRE_GROUP"] = require_group
    return values


# Endpoints that OIDC_ISSUER's discovery document supplies when not set one by one.
OIDC_ENDPOINTS = ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT",
                  "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT", "OIDC_OP_LOGOUT_ENDPOINT")


def oidc_settings() -> dict:
    issuer = env_str("OIDC_ISSUER")
    endpoints = {"OIDC_OP_AUTHORIZATION_ENDPOINT": env_str("OIDC_OP_AUTHORIZATION_ENDPOINT"),
                 "OIDC_OP_TOKEN_ENDPOINT": env_str("OIDC_OP_TOKEN_ENDPOINT"),
                 "OIDC_OP_USER_ENDPOINT": env_str("OIDC_OP_USER_ENDPOINT"),
                 "OIDC_OP_JWKS_ENDPOINT": env_str("OIDC_OP_JWKS_ENDPOINT"),
                 "OIDC_OP_LOGOUT_ENDPOINT": env_str("OIDC_OP_LOGOUT_ENDPOINT")}
    if issuer is None and endpoints["OIDC_OP_AUTHORIZATION_ENDPOINT"] is None:
        return {"OIDC_ENABLED": False, "OIDC_ROLE_GROUPS": {}, "OIDC_CONTRACT_GROUPS": {},
                "OIDC_PROVIDER_NAME": "", "OIDC_ISSUER": None}
    if issuer is None:
        missing = [name for name in OIDC_ENDPOINTS[:4] if endpoints[name] is None]
        if missing:
            raise ImproperlyConfigured(
                f"Without OIDC_ISSUER (discovery) set {', '.join(missing)}.")
    client_id = env_str("OIDC_RP_CLIENT_ID")
    client_secret = env_str("OIDC_RP_CLIENT_SECRET")
    if client_id is None or client_secret is None:
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET (or OIDC_RP_CLIENT_SECRET_FILE) must "
            "be set with OIDC_ISSUER.")
    scopes = env_str("OIDC_RP_SCOPES", "openid email profile")
    if "openid" not in scopes.split():
        raise ImproperlyConfigured(f"OIDC_RP_SCOPES must include openid; got {scopes!r}.")
    algorithm = env_str("OIDC_RP_SIGN_ALGO", "RS256")
    if algorithm[:2] not in {"RS", "ES", "PS"}:
        # HS256 signs with the client secret: anyone holding it could mint id tokens.
        raise ImproperlyConfigured(
            f"OIDC_RP_SIGN_ALGO must be an RS, PS or ES algorithm such as RS256; got "
            f"{algorithm!r}.")
    values = {
        "OIDC_ENABLED": True,
        "OIDC_ISSUER": issuer.rstrip("/") if issuer else None,
        "OIDC_PROVIDER_NAME": env_str("OIDC_PROVIDER_NAME", "SSO"),
        **endpoints,
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": client_secret,
        "OIDC_RP_SCOPES": scopes,
        "OIDC_RP_SIGN_ALGO": algorithm,
        "OIDC_USERNAME_CLAIM": env_str("OIDC_USERNAME_CLAIM", "preferred_username"),
        "OIDC_GROUPS_CLAIM": env_str("OIDC_GROUPS_CLAIM", "groups"),
        "OIDC_TIMEOUT": env_int("OIDC_TIMEOUT", 10, minimum=1),
        # PKCE on top of the client secret: Keycloak and Entra ID both accept it.
        "OIDC_USE_PKCE": True,
        # The id token is the hint the provider's logout asks for (sso.oidc).
        "OIDC_STORE_ID_TOKEN": True,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "sso:oidc_callback",
    }
    values.update(_group_mapping("OIDC_ROLE_GROUPS", env_json_object("OIDC_ROLE_GROUPS"),
                          "OIDC_CONTRACT_GROUPS", env_json_object("OIDC_CONTRACT_GROUPS")))
    return values


def sso_backends(*, ldap_enabled: bool, oidc_enabled: bool) -> list[str]:
    """The local backends first (the lockout check, then local passwords), then the
    directories: a wrong LDAP password is counted by the lockout like a local one."""
    return [*base.AUTHENTICATION_BACKENDS,
            *([LDAP_BACKEND] if ldap_enabled else []),
            *([OIDC_BACKEND] if oidc_enabled else [])]


_ldap = ldap_settings()
_oidc = oidc_settings()
# Each key of the two dicts becomes a setting of this module (AUTH_LDAP_*, OIDC_*).
globals().update(_ldap)
globals().update(_oidc)
AUTHENTICATION_BACKENDS = sso_backends(ldap_enabled=_ldap["LDAP_ENABLED"],
                                       oidc_enabled=_oidc["OIDC_ENABLED"])
INSTALLED_APPS = [*base.INSTALLED_APPS, "sso"]
# accounts' logout asks this callable for the provider's logout address (sso builds on
# accounts, so accounts names it through the settings, as with LOGIN_PAGE_CONTEXT).
SSO_LOGOUT_URL_CALLABLE = "sso.oidc.provider_logout_url"
# Sign-ins without a password (the OIDC callback) are neither counted nor refused by the
# failed-login lockout: no password is being guessed, and a shared office address must not be
# locked out of single sign-on by a few failed callbacks.
AXES_WHITELIST_CALLABLE = "accounts.security.axes_not_a_password_login"
