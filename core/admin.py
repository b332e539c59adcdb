"""Admin parts shared by the apps."""

class ReadOnlyAdminMixin:
    """Evidence (ledgers, answers, archived reports): shown, never added, changed or deleted in
    the admin. Mixed in before a ModelAdmin class."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
