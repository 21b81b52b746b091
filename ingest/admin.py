"""API tokens in the admin: publishers create them (shown once) and revoke them."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from newsroom.staff_input import CheckedSelectionMixin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(CheckedSelectionMixin, admin.ModelAdmin):
    list_display = [
        "name", "prefix", "scope_list", "provider", "created_by", "created_at", "last_used_at", "state",
    ]
    list_filter = ["scope_ingest", "scope_read", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["provider", "created_by"]
    search_fields = ["name", "prefix"]
    autocomplete_fields = ["provider"]
    actions = ["revoke_selected"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]

    def get_fields(self, request, obj=None):
        chosen = ["name", "scope_ingest", "scope_read", "provider"]
        return chosen if obj is None else chosen + self.readonly_fields

    # A token is never edited: a change of rights is a new token and a revoked one.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Kept after revocation: import runs name it, and the list shows when it was used.
        return False

    def has_revoke_permission(self, request):
        return request.user.has_perm("ingest.revoke_apitoken")

    @admin.display(description="scopes")
    def scope_list(self, token):
        return ", ".join(token.scopes) or "—"

    @admin.display(description="state")
    def state(self, token):
        return f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.is_revoked else "active"

    @admin.action(description="Revoke the selected API tokens", permissions=["revoke"])
    def revoke_selected(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request, f"{count} API token{'s' if count != 1 else ''} revoked: "
            "requests with them are refused from now on.", messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            # Kept on this object only, for the page below: never stored, never in a message.
            obj.plain_token = obj.issue()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """The one page that ever shows the token (the admin's views are never cached)."""
        return TemplateResponse(request, "admin/ingest/apitoken/created.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "API token created",
            "token": obj,
            "secret": obj.plain_token,
            "ingest_url": request.build_absolute_uri(reverse("ingest:ingest")),
        })
