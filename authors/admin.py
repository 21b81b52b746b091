"""Authors in the admin: searchable, a slug prepared from the name, links one per line."""

from django.contrib import admin
from django.utils.html import format_html

from .forms import AuthorForm
from .models import Author


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    form = AuthorForm
    list_display = ["name", "slug", "user", "public_page"]
    search_fields = ["name", "slug", "user__username"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    list_select_related = ["user"]

    @admin.display(description="page")
    def public_page(self, author):
        return format_html('<a href="{}">{}</a>', author.get_absolute_url(), author.get_absolute_url())
