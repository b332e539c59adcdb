"""LDAP / Active Directory sign-in (django-auth-ldap), on when LDAP_SERVER_URI is set.

The password is checked by binding as the person found with LDAP_USER_SEARCH_FILTER; their name
and e-mail are copied at every login, then their groups set their role and contracts
(sso.services). The backend comes after the local ones (itsm/settings/sso.py), so the lockout
counts a wrong directory password like a local one, and local accounts keep working.
"""

from __future__ import annotations

from django_auth_ldap.backend import LDAPBackend

from sso.mapping import GroupMapping
from sso.services import directory_user_sync


class DirectoryLDAPBackend(LDAPBackend):
    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        mapping = GroupMapping.configured("ldap")
        if mapping.roles or mapping.contracts:
            user = directory_user_sync(user=user, groups=ldap_user.group_dns, mapping=mapping)
        return user
