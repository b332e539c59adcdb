from django.contrib.auth.backends import ModelBackend

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
