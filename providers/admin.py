from django.contrib import admin

from .models import Provider


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "slug"]
    search_fields = ["name", "domain"]
    prepopulated_fields = {"slug": ["domain"]}
