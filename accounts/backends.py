from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from accounts.roles import Capability, can


class RoleModelBackend(ModelBackend):
    """Django's username/password login; Django admin permissions follow the role.

    The administrator role may use the Django admin for every model (role definitions live in
    accounts/roles.py); other roles get only permissions granted to them explicitly.
    """

    def has_perm(self, user_obj, perm, obj=None):
        if can(user_obj, Capability.ADMINISTER):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if can(user_obj, Capability.ADMINISTER):
            return True
        return super().has_module_perms(user_obj, app_label)


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, first in AUTHENTICATION_BACKENDS: a locked-out (username, client
    address) is refused before any password is checked. Marks the request so the caller
    (accounts.services.login_authenticate) can tell "refused" from "wrong password"."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except PermissionDenied:
            if request is not None:
                request.login_refused_locked = True
            raise
