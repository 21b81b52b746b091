"""Admin for stories: see what was grouped, merge two stories, move an article out.

Both decisions are pinned on the articles' memberships, so ``build_stories``
and the importer respect them from then on.
"""

from django.contrib import admin, messages
from django.db.models import Count, Min
from django.urls import reverse
from django.utils.html import format_html

from articles.signals import announce
from newsroom.staff_input import CheckedSelectionMixin

from . import building
from .models import Membership, Story


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["article", "published", "provider", "pinned"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article__provider").order_by("article__published_at")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="published")
    def published(self, membership):
        return membership.article.published_at

    @admin.display(description="provider")
    def provider(self, membership):
        provider = membership.article.provider
        return provider.name if provider is not None else "House article"


@admin.register(Story)
class StoryAdmin(CheckedSelectionMixin, admin.ModelAdmin):
    list_display = ["title", "article_count", "first_published", "merged_into", "view_on_site_link"]
    list_filter = [("merged_into", admin.EmptyFieldListFilter)]
    search_fields = ["title", "slug"]
    readonly_fields = ["slug", "merged_into", "created_at", "updated_at"]
    fields = ["title", "slug", "merged_into", "created_at", "updated_at"]
    inlines = [MembershipInline]
    actions = ["merge_selected"]
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("merged_into").annotate(
            article_count=Count("memberships"), first_published=Min("memberships__article__published_at")
        )

    def has_add_permission(self, request):
        # Stories come from build_stories and the importer, never from a blank form.
        return False

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, story):
        url = reverse("admin:stories_membership_changelist") + f"?story__id__exact={story.pk}"
        return format_html('<a href="{}">{}</a>', url, story.article_count)

    @admin.display(description="first report", ordering="first_published")
    def first_published(self, story):
        return story.first_published

    @admin.display(description="public page")
    def view_on_site_link(self, story):
        return format_html('<a href="{}">view</a>', story.get_absolute_url())

    @admin.action(description="Merge selected stories into the biggest one", permissions=["change"])
    def merge_selected(self, request, queryset):
        stories = sorted(queryset.filter(merged_into__isnull=True), key=lambda s: (-s.article_count, s.pk))
        if len(stories) < 2:
            self.message_user(request, "Select at least two stories to merge.", messages.WARNING)
            return
        keep, *others = stories
        moved = building.merge_stories(keep, others)
        self.message_user(
            request, f"Merged {len(others)} stor(y/ies) into “{keep}”: {moved} article(s) moved.",
            messages.SUCCESS,
        )


@admin.register(Membership)
class MembershipAdmin(CheckedSelectionMixin, admin.ModelAdmin):
    list_display = ["article", "story", "pinned", "published"]
    list_filter = ["pinned", ("story", admin.EmptyFieldListFilter)]
    list_select_related = ["article", "story"]
    search_fields = ["article__title", "story__title"]
    raw_id_fields = ["article", "story"]
    actions = ["move_out", "release"]
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        # An editor who puts an article in a story by hand has decided: pin it.
        if "story" in form.changed_data:
            obj.pinned = True
        super().save_model(request, obj, form, change)
        announce(Membership, articles=[obj.article_id], stories=[obj.story_id, form.initial.get("story")], lists=True)

    @admin.display(description="published", ordering="article__published_at")
    def published(self, membership):
        return membership.article.published_at

    @admin.action(description="Move selected articles out of their stories (for good)", permissions=["change"])
    def move_out(self, request, queryset):
        count = building.move_out(queryset.values_list("article_id", flat=True))
        self.message_user(request, f"Moved {count} article(s) out of their stories.", messages.SUCCESS)

    @admin.action(description="Let the next build place the selected articles again", permissions=["change"])
    def release(self, request, queryset):
        ids = list(queryset.values_list("article_id", flat=True))
        building.release(ids)
        self.message_user(request, f"{len(ids)} article(s) will be regrouped by the next build.", messages.SUCCESS)
