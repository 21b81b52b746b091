"""Admin pieces every app shares."""

from django.contrib.admin.utils import unquote


class ReadOnlyAdminMixin:
    """For records the site writes itself (audit trails, import runs): viewed, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TrailHistoryMixin:
    """``ModelAdmin`` mixin: the History page shows what the site recorded about the object.

    Django's history lists only the admin's own edits; most records here are
    written by the importer or a merge. ``history_trail(obj)`` returns rows of
    ``(when, what)``, shown above those edits (templates/admin/object_history.html).
    """

    trail_title = "Recorded by the site"

    def history_trail(self, obj):
        return []

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        trail = sorted(self.history_trail(obj), key=lambda row: row[0]) if obj is not None else []
        context = {"trail": trail, "trail_title": self.trail_title, **(extra_context or {})}
        return super().history_view(request, object_id, extra_context=context)
