"""The security audit log in the admin: superusers read it, nobody edits it."""

from django.contrib import admin

from newsroom.admin import ReadOnlyAdminMixin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "kind", "username", "actor", "address", "detail"]
    list_filter = ["kind", "at"]
    search_fields = ["username", "actor", "address"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
    list_select_related = False

    # Only superusers see the log; a record, so no one adds, edits or deletes (the mixin).
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
