from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from rest_framework.authentication import TokenAuthentication

from accounts.roles import Capability, can
from core.prepared import PreparedQuery

# Asked on every request (the signed-in person, the API caller's token), so compiled once per
# process (core.prepared); a negative id and a key with a NUL character are no real values.
USER_BY_ID = PreparedQuery(lambda pk: get_user_model()._default_manager.filter(pk=pk),
                           pk=-1_987_654_321)
TOKEN_BY_KEY = PreparedQuery(
    lambda key: TokenAuthentication().get_model().objects.select_related("user").filter(key=key),
    key="\x00token")


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

    def get_user(self, user_id):
        """ModelBackend's (None for an unknown or inactive person), by a prepared query."""
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        found = USER_BY_ID.models(pk=pk)
        return found[0] if found and self.user_can_authenticate(found[0]) else None


class PreparedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, with the token and its user read by a prepared query. An
    unknown key or an inactive user takes DRF's own way, for its refusals and their words."""

    def authenticate_credentials(self, key):
        found = TOKEN_BY_KEY.models(key=key) if isinstance(key, str) else []
        if found and found[0].user.is_active:
            return found[0].user, found[0]
        return super().authenticate_credentials(key)


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
