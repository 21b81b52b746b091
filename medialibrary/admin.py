"""The media library in the admin: upload, search, focal point, usage, safe deletion, chooser.

Declarative where Django allows it; the usage and deletion rules live in
``medialibrary.library`` and the chooser's page in ``medialibrary.chooser``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles.models import Article, Image

from . import chooser, library
from .forms import PictureForm, UploadManyForm
from .models import Picture


def article_link(article):
    return format_html(
        '<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[article.pk]), article.title
    )


class UsedFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("yes", "Used by an article"), ("no", "Not used")]

    def queryset(self, request, queryset):
        used = Exists(Image.objects.filter(picture=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(used)
        if self.value() == "no":
            return queryset.filter(~used)
        return queryset


class MissingCreditFilter(admin.SimpleListFilter):
    title = "credit"
    parameter_name = "credit"

    def lookups(self, request, model_admin):
        return [("missing", "No credit"), ("given", "Credited")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(credit="")
        if self.value() == "given":
            return queryset.exclude(credit="")
        return queryset


@admin.register(Picture)
class PictureAdmin(admin.ModelAdmin):
    form = PictureForm
    list_display = ["thumbnail", "title", "alt_text", "credit", "licence", "size", "created_at"]
    list_display_links = ["thumbnail", "title"]
    search_fields = ["title", "alt_text", "caption", "credit"]
    list_filter = [UsedFilter, MissingCreditFilter, "licence", "created_at"]
    date_hierarchy = "created_at"
    list_per_page = 50
    readonly_fields = ["focal_point_picker", "size", "uploaded_by", "created_at", "used_by"]

    class Media:
        css = {"all": ["media/admin.css"]}
        js = ["media/focal-point.js"]

    def get_fieldsets(self, request, obj=None):
        described = ["title", "alt_text", "caption", "credit", "licence"]
        if obj is None:
            return [(None, {"fields": ["upload", *described, ("focal_x", "focal_y")]})]
        return [
            (None, {"fields": ["focal_point_picker", ("focal_x", "focal_y"), *described]}),
            ("Where it is used", {"fields": ["used_by"]}),
            ("File", {"fields": ["size", "uploaded_by", "created_at"]}),
        ]

    @admin.display(description="picture")
    def thumbnail(self, picture):
        return format_html(
            '<img src="{}" alt="" width="80" loading="lazy" class="media-thumb">', picture.thumbnail_url()
        )

    @admin.display(description="size")
    def size(self, picture):
        return f"{picture.width} × {picture.height}" if picture.width else "—"

    @admin.display(description="focal point")
    def focal_point_picker(self, picture):
        return format_html(
            '<div class="media-focal" data-focal-picker hidden>'
            '<img src="{}" alt="{}" class="media-focal__image">'
            '<span class="media-focal__marker" aria-hidden="true"></span></div>'
            '<p class="help">Click the subject of the picture: crops (16:9 on the front page and '
            "lists) stay centred on it. Without JavaScript, type the point below "
            "(0 to 1 from the left and from the top).</p>",
            library_preview(picture), picture.alt_text,
        )

    @admin.display(description="used by")
    def used_by(self, picture):
        uses = library.usage(picture)
        if not uses:
            return "No article uses this picture."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{} — {}{}</li>",
                (
                    (article_link(use.article), "live" if use.live else use.article.get_status_display(),
                     " (in the body)" if use.how == "body" else "")
                    for use in uses
                ),
            ),
        )

    def has_change_permission(self, request, obj=None):
        """A picture a live article shows changes what readers see (alt text, crops): as with
        the article itself, only a publisher may change it; others see it read-only."""
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.has_perm("articles.publish_article"):
            return True
        return not self._shown_live(request, obj)

    @staticmethod
    def _shown_live(request, picture):
        # Asked several times per page: looked up once per request and picture.
        memo = request.__dict__.setdefault("_pictures_shown_live", {})
        if picture.pk not in memo:
            memo[picture.pk] = any(use.live for use in library.usage(picture))
        return memo[picture.pk]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        picture = self.get_object(request, object_id)
        if picture is not None and not self.has_change_permission(request, picture) \
                and super().has_change_permission(request, picture):
            messages.info(
                request, "A live article shows this picture: only a publisher can change it now.",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change:
                library.sync_images(obj)

    # --- deletion: refused while a live article shows the picture ----------------------------

    def get_deleted_objects(self, objs, request):
        deleted, protected, perms_needed = [], [], set()
        if not self.has_delete_permission(request):
            perms_needed.add(Picture._meta.verbose_name)
        for picture in objs:
            uses = library.usage(picture)
            live = [use.article for use in uses if use.live]
            others = [use.article for use in uses if not use.live]
            if live:
                protected.extend(
                    format_html("{} is shown by the live article {}", picture.title, article_link(a))
                    for a in live
                )
            notes = [
                format_html("used by the unpublished article {} (it keeps its copy of the file)", article_link(a))
                for a in others
            ]
            deleted.append(format_html("Picture: {}", picture.title))
            if notes:
                deleted.append(notes)
        return deleted, {Picture._meta.verbose_name_plural: len(objs)}, perms_needed, protected

    def delete_model(self, request, obj):
        self._delete([obj])

    def delete_queryset(self, request, queryset):
        self._delete(list(queryset))

    @staticmethod
    def _delete(pictures):
        for picture in pictures:
            with transaction.atomic():
                if any(use.live for use in library.usage(picture)):
                    continue  # refused on the confirmation page; never here
                # Articles not live keep the files their rows name; only an unused picture's go.
                detached = Image.objects.filter(picture=picture).update(picture=None)
                in_bodies = Article.objects.filter(Q(body__contains=f"{picture.folder}/")).exists()
                picture.delete()
                if not detached and not in_bodies:
                    transaction.on_commit(lambda p=picture: library.delete_files(p))

    # --- the chooser (writing tool) -------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("chooser/", self.admin_site.admin_view(self.chooser_view), name="{}_{}_chooser".format(*info)),
            path(
                "upload-many/", self.admin_site.admin_view(self.upload_many_view),
                name="{}_{}_upload_many".format(*info),
            ),
            *super().get_urls(),
        ]

    def chooser_view(self, request):
        return chooser.chooser(self, request)

    def upload_many_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadManyForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            pictures = form.save(request.user)
            self.message_user(request, f"{len(pictures)} pictures uploaded.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:media_picture_changelist"))
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "form": form,
            "title": "Upload several pictures",
        }
        return TemplateResponse(request, "admin/media/picture/upload_many.html", context)


def library_preview(picture):
    """The picture at a width that fits the change page (640 or the nearest)."""
    from django.core.files.storage import default_storage

    jpegs = sorted((r for r in picture.full_renditions() if r.get("format") == "jpeg"), key=lambda r: r["width"])
    if not jpegs:
        return picture.url
    chosen = next((r for r in jpegs if r["width"] >= 640), jpegs[-1])
    return default_storage.url(chosen["name"])
