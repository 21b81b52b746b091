"""Admin pieces every app shares."""


class ReadOnlyAdminMixin:
    """For records the site writes itself (audit trails, import runs): viewed, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
