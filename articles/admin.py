"""Admin for articles, images, related items, topics and import runs."""

from django.contrib import admin

from .models import Article, Image, ImportRun, Related, Topic


class ImageInline(admin.TabularInline):
    model = Image
    extra = 0
    fields = ["position", "url", "width", "height", "is_cached", "title", "attribution"]


class RelatedInline(admin.StackedInline):
    model = Related
    fk_name = "article"
    extra = 0
    fields = ["position", "title", "web_url", "provider_name", "published_at", "target"]
    raw_id_fields = ["target"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "provider", "status", "published_at", "is_live", "quality", "heat"]
    list_filter = ["status", "type", "category"]
    list_select_related = ["provider"]
    search_fields = ["title", "excerpt", "provider__name"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["provider"]
    inlines = [ImageInline, RelatedInline]
    readonly_fields = ["web_url", "extra", "provider_extra", "created_at", "updated_at"]
    exclude = ["secured"]
    show_full_result_count = False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "source", "user", "seen", "created", "updated", "unchanged", "rejected"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request):
        return False


admin.site.register(Related)
