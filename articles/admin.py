"""The editorial admin: a newsroom tool for a desk with 100,000+ articles.

It presents; ``articles.workflow`` decides. Buttons, bulk actions and the
step pages are derived from the workflow's registry of steps (``STEPS``), whose
classes check state and permission and record the audit trail. The article list runs a fixed number of queries
per page and never counts the whole table.
"""

import bisect
import calendar
import datetime
import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch
from django.db.models.functions import Now
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from authors.bylines import source_names
from authors.models import Author, Byline
from newsroom.admin import ReadOnlyAdminMixin
from newsroom.staff_input import CheckedSelectionMixin, InstantFieldListFilter, parse_id
from revisions import content as contents
from search.admin import FullTextSearchMixin
from writing.admin import WritingAdminMixin

from . import caching, dates, editorial, history, sharing, workflow
from .forms import CONTENT_COLUMNS, ArticleAdminForm, ImportUploadForm, ShareLinkForm
from .images.admin import ImageUploadForm
from .images.admin import preview as image_preview
from .importing.queue import enqueue_import
from .models import Article, Correction, Image, ImportRun, Related, ShareLink, Topic, Transition
from .queries import lead_image_prefetch
from .rendering import web_url
from .widgets import DATETIME_OVERRIDES

Status = Article.Status

CONTENT_FIELDS = [
    "title", "excerpt", "editor_note", "body", "category", "topics", "provider", "published_at", "type",
    "quality", "heat",
]
# What an import writes besides the content editors may change over it: on an
# imported article these are shown, not edited.
FILE_FIELDS = ["provider", "published_at", "type", "quality", "heat"]
SOURCE_FIELDS = ["web_url", "original_url", "amp_url", "cdn_amp_url"]
# A house article (written here, the site its publisher) asks only for these;
# its authors and pictures are the inlines.
HOUSE_FIELDS = ["title", "excerpt", "editor_note", "body", "category", "topics"]
SCHEDULE_FIELDS = ["go_live_at", "expire_at", "embargo_until", "modified_at"]
# How long the list's filter choices (distinct values over the whole table) are reused.
FILTER_CHOICES_SECONDS = 300
MAX_NAMED_IN_MESSAGE = 20
# How often a running import's page reloads itself.
IMPORT_PAGE_REFRESH_SECONDS = 2


def is_imported(article):
    """Whether ``article`` came from an article file (the importer owns its content)."""
    return article is not None and bool(article.source_hash)


# --- the list: counting, filters, date drill-down ------------------------------------------


class CappedCountPaginator(Paginator):
    """Counts matching rows exactly up to ``CAP``; beyond that it estimates.

    The admin needs a count on every page view, and ``COUNT(*)`` over 100,000
    rows is what makes big changelists slow. Counting a capped subquery costs
    at most ``CAP`` index entries; past it PostgreSQL's planner estimate is
    good enough for "about N" and the page links. SQLite has no estimate, and
    counts exactly.
    """

    CAP = 10_000
    exact = True

    @cached_property
    def count(self):
        counted = self.object_list[: self.CAP + 1].count()
        if counted <= self.CAP:
            return counted
        self.exact = False
        return max(self._estimate(), self.CAP + 1)

    def _estimate(self):
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return queryset.count()
        sql, params = queryset.order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])


class VisibilityFilter(admin.SimpleListFilter):
    """What readers see, from the same queryset methods the public site uses."""

    title = "visibility"
    parameter_name = "visibility"

    def lookups(self, request, model_admin):
        return [
            ("live", "Live"),
            ("scheduled", "Scheduled (go-live or embargo ahead)"),
            ("embargoed", "Embargoed"),
            ("expired", "Expired"),
            ("hidden", "Not published"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "live":
                return queryset.live()
            case "scheduled":
                return queryset.scheduled()
            case "embargoed":
                return queryset.filter(embargo_until__gt=Now())
            case "expired":
                return queryset.expired()
            case "hidden":
                return queryset.exclude(status=Status.PUBLISHED)
        return queryset


class CachedValuesFilter(admin.SimpleListFilter):
    """The distinct values of a column, looked up once every few minutes, not on every page view."""

    field_name = ""

    def lookups(self, request, model_admin):
        key = f"admin:article-values:{self.field_name}"
        values = cache.get(key)
        if values is None:
            values = list(
                Article.objects.exclude(**{f"{self.field_name}__isnull": True})
                .order_by(self.field_name)
                .values_list(self.field_name, flat=True)
                .distinct()[:200]
            )
            cache.set(key, values, FILTER_CHOICES_SECONDS)
        return [(value, value) for value in values]

    def queryset(self, request, queryset):
        if self.value() is not None:
            return queryset.filter(**{self.field_name: self.value()})
        return queryset


class CategoryFilter(CachedValuesFilter):
    title = "category"
    parameter_name = field_name = "category"


class TypeFilter(CachedValuesFilter):
    title = "type"
    parameter_name = field_name = "type"


class TopicFilter(admin.SimpleListFilter):
    """The most used topics (and the chosen one): 500 links would bury the filter."""

    title = "topic"
    parameter_name = "topic"
    SHOWN = 40

    def lookups(self, request, model_admin):
        choices = cache.get("admin:article-topics")
        if choices is None:
            choices = list(
                Topic.objects.annotate(uses=Count("tagged_articles"))
                .order_by("-uses", "name")
                .values_list("pk", "name")[: self.SHOWN]
            )
            cache.set("admin:article-topics", choices, FILTER_CHOICES_SECONDS)
        chosen = parse_id(self.value())
        if chosen is not None and all(pk != chosen for pk, _ in choices):
            choices = [*choices, *Topic.objects.filter(pk=chosen).values_list("pk", "name")]
        return [(str(pk), name) for pk, name in choices]

    def queryset(self, request, queryset):
        if self.value():
            chosen = parse_id(self.value())
            if chosen is None:
                return queryset.none()
            return queryset.filter(tagged_topics__tag_id=chosen)
        return queryset


class OriginFilter(admin.SimpleListFilter):
    """House articles (ours) or imported ones (the outlets')."""

    title = "origin"
    parameter_name = "origin"

    def lookups(self, request, model_admin):
        return [("house", "Our reporting (house)"), ("imported", "Imported")]

    def queryset(self, request, queryset):
        if self.value() == "house":
            return queryset.house()
        if self.value() == "imported":
            return queryset.imported()
        return queryset


class MyArticlesFilter(admin.SimpleListFilter):
    """Articles whose byline includes the signed-in user's author profile."""

    title = "byline"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("yes", "My articles")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(
                Exists(Byline.objects.filter(article=OuterRef("pk"), author__user=request.user))
            )
        return queryset


class HasImagesFilter(admin.SimpleListFilter):
    title = "images"
    parameter_name = "has_images"

    def lookups(self, request, model_admin):
        return [("yes", "With images"), ("no", "Without images")]

    def queryset(self, request, queryset):
        has_images = Exists(Image.objects.filter(article=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(has_images)
        if self.value() == "no":
            return queryset.exclude(has_images)
        return queryset


class QualityFilter(admin.SimpleListFilter):
    title = "quality"
    parameter_name = "quality"
    RANGES = {"0-24": (0, 24), "25-49": (25, 49), "50-74": (50, 74), "75-100": (75, 100)}

    def lookups(self, request, model_admin):
        return [*((key, key.replace("-", "–")) for key in self.RANGES), ("none", "Not rated")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(quality__isnull=True)
        if self.value() in self.RANGES:
            return queryset.filter(quality__range=self.RANGES[self.value()])
        return queryset


class CalendarSafeChangeList(ChangeList):
    """The changelist, answering a date drill-down it cannot compute as a bad filter.

    Django computes the next year, month or day of ``?published_at__year=9999``
    itself and overflows (a 500); any year outside ``dates.CALENDAR_YEARS``
    now gets the admin's usual "invalid filter" redirect instead.
    """

    def get_filters(self, request):
        if self.date_hierarchy:
            year = self.params.get(f"{self.date_hierarchy}__year")
            if year is not None and parse_id(year) not in dates.CALENDAR_YEARS:
                raise IncorrectLookupParameters(f"no date drill-down for the year {year!r}")
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


def date_drilldown(changelist):
    """The date hierarchy's links: only years, months and days that hold articles.

    Django's own asks for the distinct years, months or days of every matching
    row (a DISTINCT over up to the whole table). Here the candidates come from
    the calendar (years between the oldest and newest dates, two lookups on the
    date index) and ``periods_with_articles`` keeps those that hold an article,
    with one index seek per period kept. The answer is reused until the content
    changes. Like before, it covers every article, whatever other filter is on.
    """
    field = changelist.date_hierarchy
    params = changelist.params
    year, month, day = (params.get(f"{field}__{part}") for part in ("year", "month", "day"))

    def link(filters):
        return changelist.get_query_string(filters, [f"{field}__"])

    def choice(filters, moment, date_format):
        return {"link": link(filters), "title": capfirst(formats.date_format(moment, date_format))}

    if year and month and day:
        moment = datetime.date(int(year), int(month), int(day))
        return {
            "show": True,
            "back": {"link": link({f"{field}__year": year, f"{field}__month": month}),
                     "title": capfirst(formats.date_format(moment, "YEAR_MONTH_FORMAT"))},
            "choices": [{"title": capfirst(formats.date_format(moment, "MONTH_DAY_FORMAT"))}],
        }
    if year and month:
        y, m = int(year), int(month)
        return {
            "show": True,
            "back": {"link": link({f"{field}__year": year}), "title": str(y)},
            "choices": [
                choice({f"{field}__year": y, f"{field}__month": m, f"{field}__day": d},
                       datetime.date(y, m, d), "MONTH_DAY_FORMAT")
                for d in _filled(field, [datetime.date(y, m, d) for d in range(1, calendar.monthrange(y, m)[1] + 1)],
                                 _next_month(y, m), lambda day: day.day)
            ],
        }
    if year:
        y = int(year)
        return {
            "show": True,
            "back": {"link": link({}), "title": "All dates"},
            "choices": [
                choice({f"{field}__year": y, f"{field}__month": m}, datetime.date(y, m, 1), "YEAR_MONTH_FORMAT")
                for m in _filled(field, [datetime.date(y, m, 1) for m in range(1, 13)],
                                 datetime.date(y + 1, 1, 1), lambda day: day.month)
            ],
        }
    bounds = Article.objects.aggregate(first=Min(field), last=Max(field))
    if bounds["first"] is None:
        return {"show": False}
    first, last = (timezone.localtime(bounds[k]).year for k in ("first", "last"))
    # A stray date in the year 1 or 9999 must not list eight thousand empty years.
    first = max(first, dates.EARLIEST.year)
    last = min(last, timezone.localtime().year + 1)
    return {
        "show": True,
        "back": None,
        "choices": [
            {"link": link({f"{field}__year": str(y)}), "title": str(y)}
            for y in _filled(field, [datetime.date(y, 1, 1) for y in range(first, last + 1)],
                             datetime.date(last + 1, 1, 1), lambda day: day.year)
        ],
    }


def _next_month(year, month):
    return datetime.date(year + month // 12, month % 12 + 1, 1)


def _filled(field, starts, end, label):
    """``label(start)`` of each period in ``starts`` (local dates; the last ends at ``end``) holding an article.

    Kept per content version: a new article's year appears on the next view.
    """
    if not starts:
        return []
    key = f"admin-drilldown:{field}:{timezone.get_current_timezone_name()}:{starts[0]}:{end}"
    found = caching.per_version(key, lambda: periods_with_articles(field, starts, end))
    return [label(starts[i]) for i in found]


def periods_with_articles(field, starts, end):
    """The indexes of the periods in ``starts`` that hold at least one article.

    Periods run from each local date in ``starts`` to the next (the last to
    ``end``). One query per period found: each asks for the first date at or
    after a period's start (a seek on the date index, LIMIT 1), which lands in
    the next period that holds anything, so a run of empty years, months or
    days costs nothing.
    """
    zone = timezone.get_current_timezone()

    def moment(day):
        return datetime.datetime(day.year, day.month, day.day, tzinfo=zone)

    bounds = [moment(day) for day in starts]
    upper = moment(end)
    found, i = [], 0
    while i < len(bounds):
        first = (
            Article.objects.filter(**{f"{field}__gte": bounds[i], f"{field}__lt": upper})
            .order_by(field).values_list(field, flat=True).first()
        )
        if first is None:
            break
        i = bisect.bisect_right(bounds, first) - 1
        found.append(i)
        i += 1
    return found


# --- inlines ---------------------------------------------------------------------


def thumbnail(url, size=60):
    """An ``<img>`` for an http(s) image URL, else nothing: data never becomes markup."""
    src = web_url(url)
    if not src:
        return "—"
    return format_html(
        '<img src="{}" alt="" width="{}" loading="lazy" referrerpolicy="no-referrer" class="nr-thumb">',
        src, size,
    )


class ImportedReadOnlyInline:
    """Inline rows of an imported article are the file's; the next import replaces them."""

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)

    @staticmethod
    def _editable(article):
        return not is_imported(article) and (article is None or article.status != Status.KILLED)


class ImageInline(ImportedReadOnlyInline, admin.StackedInline):
    """One block per image, its short fields sharing a line.

    As a table row (nine columns, two of them text areas) the form grew to
    2,800 px; stacked, it wraps to a laptop's width and to a phone's.
    """

    model = Image
    form = ImageUploadForm
    extra = 0
    ordering = ["position"]
    fieldsets = [(None, {"fields": [
        "preview", ("position", "width", "height", "is_cached"), "picture", ("url", "upload"), "title",
        "attribution",
    ]})]
    readonly_fields = ["preview"]
    # The library's own search and thumbnails open in a popup; the id can be typed without JavaScript.
    raw_id_fields = ["picture"]

    @admin.display(description="preview")
    def preview(self, image):
        return image_preview(image, size=120)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # An upload's URL must be absolute: the site only shows http(s) images.
        formset.form = type(
            formset.form.__name__, (formset.form,), {"site_url": request.build_absolute_uri("/")}
        )
        return formset


class RelatedInline(ImportedReadOnlyInline, admin.StackedInline):
    """Stacked like the images: as a table row, its URL and date-time inputs outgrew the page."""

    model = Related
    fk_name = "article"
    extra = 0
    ordering = ["position"]
    fieldsets = [(None, {"fields": [("position", "provider_name"), "title", "web_url", ("published_at", "target")]})]
    raw_id_fields = ["target"]
    formfield_overrides = DATETIME_OVERRIDES


class BylineInline(admin.TabularInline):
    """The article's authors, in byline order (1 first).

    The byline is content: a save hands it to the workflow (``byline_content``),
    so on a published article an editor's change waits in the pending version
    like the headline's. With a pending byline the rows are that byline's
    (``pending_byline``), so an editor goes on from it.
    """

    model = Byline
    extra = 1
    fields = ["position", "author"]
    autocomplete_fields = ["author"]
    ordering = ["position"]
    verbose_name = "author"
    verbose_name_plural = "Byline"

    def get_extra(self, request, obj=None, **kwargs):
        pending = pending_byline(obj)
        return self.extra + (len(pending) if pending is not None else 0)

    def has_add_permission(self, request, obj=None):
        return (obj is None or obj.status != Status.KILLED) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.status != Status.KILLED) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.status != Status.KILLED) and super().has_delete_permission(request, obj)


def pending_byline(article):
    """The pending version's byline if it differs from the live rows, else ``None``."""
    if article is None or article.pk is None or article.pending_revision_id is None:
        return None
    pending = editorial.pending_content(article)["bylines"]
    live = contents.house_bylines(article)
    if pending is None or not contents.changed_fields({"bylines": live}, {"bylines": pending}):
        return None
    return [entry for entry in pending if entry["id"] is not None]


def byline_content(formset):
    """The byline a submitted byline formset asks for (content entries, in order), or ``None`` if unchanged.

    Its rows are the ones an editor starts from (``BylineInline``); a form
    left as it was keeps its row, a changed one takes the typed author and
    place, a deleted one leaves. Places tie in the order the rows were listed.
    """
    if not formset.has_changed():
        return None
    placed = []
    for index, subform in enumerate(formset.forms):
        if formset.can_delete and formset._should_delete_form(subform):
            continue
        data = getattr(subform, "cleaned_data", None) or {}
        if not data and not subform.has_changed() and subform.initial.get("author"):
            # A row of the pending byline left as it was (an unchanged extra form has no cleaned data).
            data = {"author": subform.initial["author"], "position": subform.initial.get("position")}
        author = data.get("author")
        if author is None:
            continue
        placed.append((data.get("position") or 0, index, author))
    placed.sort(key=lambda item: item[:2])
    ids = [author for _position, _index, author in placed if not isinstance(author, Author)]
    found = Author.objects.in_bulk(ids) if ids else {}
    authors = [author if isinstance(author, Author) else found.get(author) for _p, _i, author in placed]
    entries, seen = [], set()
    for author in authors:
        if author is not None and author.pk not in seen:
            seen.add(author.pk)
            entries.append(contents.byline_entry(author.pk, author.name))
    return entries


# --- the article admin ---------------------------------------------------------


@admin.register(Article)
class ArticleAdmin(WritingAdminMixin, CheckedSelectionMixin, FullTextSearchMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline", "source", "status_badge", "published_at", "is_live", "topic_list", "quality",
        "heat", "lead_image",
    ]
    list_filter = [
        "status", VisibilityFilter, MyArticlesFilter, OriginFilter, "provider", CategoryFilter, TypeFilter,
        TopicFilter,
        HasImagesFilter, QualityFilter, ("published_at", InstantFieldListFilter),
    ]
    list_select_related = ["provider"]
    list_per_page = 100
    search_fields = ["title", "excerpt", "provider__name"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["provider"]
    formfield_overrides = DATETIME_OVERRIDES
    inlines = [BylineInline, ImageInline, RelatedInline]
    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    # The Preview button replaces it: it says what staff will see.
    view_on_site = False

    # --- workflow steps as bulk actions, from the registry ---

    @property
    def actions(self):
        """One list action per workflow step with a ``bulk`` description, in workflow order.

        Built from ``workflow.STEPS`` when asked, so a registered step appears
        without an edit here. Each needs the permission named after its step,
        answered by ``has_<step>_permission`` (see ``__getattr__``).
        """
        return [_bulk_action(step) for step in workflow.STEPS.values() if step.bulk]

    def __getattr__(self, name):
        # Django asks ``has_<permission>_permission`` for an action's permissions;
        # for a step that is whether the user may take it at all.
        step_name = name.removeprefix("has_").removesuffix("_permission")
        if name.startswith("has_") and name.endswith("_permission") and step_name in workflow.STEPS:
            return lambda request, obj=None: workflow.may(request.user, step_name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # --- list columns ---

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            "topics", lead_image_prefetch(),
            Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("position", "pk")),
        )

    @admin.display(description="provider", ordering="provider__name")
    def source(self, article):
        return article.provider.name if article.provider is not None else "House"

    @admin.display(description="status", ordering="status")
    def status_badge(self, article):
        badge = format_html(
            '<span class="nr-status nr-status-{}">{}</span>', article.status, article.get_status_display()
        )
        seen = workflow.visibility(article)
        if seen.embargo_until:
            badge += format_html(
                '<span class="nr-status nr-status-embargo" title="{}">embargo</span>', seen.embargo_text
            )
        return badge

    @admin.display(description="title", ordering="title")
    def headline(self, article):
        """The title, clamped to two lines by the stylesheet (the whole of it on hover), and
        the byline below it: our authors of a house article, the outlet's named writers of
        an imported one. In the title's column: a column of its own pushed the list
        sideways on a laptop."""
        if article.provider is None:
            names = [row.author.name for row in article.bylines.all()]  # prefetched
        else:
            names = source_names(article)
        if not names:
            return _clamped(article.title)
        return format_html(
            '{}<span class="nr-byline">by {}</span>', _clamped(article.title), ", ".join(names)
        )

    @admin.display(description="topics")
    def topic_list(self, article):
        return _clamped(", ".join(topic.name for topic in article.topics.all()))

    @admin.display(description="image")
    def lead_image(self, article):
        images = getattr(article, "lead_images", None)
        if images is None:
            images = list(article.images.all()[:1])
        return thumbnail(images[0].url) if images else "—"

    def action_checkbox(self, article):
        """The selection checkbox, plus the version the user saw, so bulk actions spot later changes."""
        return format_html(
            '{}<input type="hidden" name="_seen_version" value="{}:{}">',
            super().action_checkbox(article), article.pk, article.version,
        )

    def get_changelist(self, request, **kwargs):
        base = super().get_changelist(request, **kwargs)

        class ArticleChangeList(CalendarSafeChangeList, base):
            def date_drilldown(self):
                return date_drilldown(self)

        return ArticleChangeList

    # --- change form ---

    @staticmethod
    def adding_house(request):
        """The add form asked for a house article (``?house=1``, the "Add house article" button)."""
        return request.GET.get("house") == "1"

    def _is_house(self, request, obj):
        return obj.is_house if obj is not None else self.adding_house(request)

    def get_inlines(self, request, obj):
        if self._is_house(request, obj):
            return [BylineInline, ImageInline]
        return [ImageInline, RelatedInline]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        pending = pending_byline(obj) if isinstance(inline, BylineInline) else None
        if pending is not None:
            # The editor goes on from the pending byline, not the live rows (saved through the workflow).
            kwargs["queryset"] = Byline.objects.none()
            kwargs["initial"] = [
                {"author": entry["id"], "position": position}
                for position, entry in enumerate(pending)
            ]
        return kwargs

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # The house form needs no provider or URL; an imported one needs both. Set on
        # the class get_form just built (a subclass would rebuild its fields and
        # drop the Markdown editor's widgets).
        form.is_house = self._is_house(request, obj)
        return form

    def get_fieldsets(self, request, obj=None):
        if obj is None and self.adding_house(request):
            return [(None, {"fields": HOUSE_FIELDS})]
        if obj is None:
            return [(None, {"fields": CONTENT_FIELDS}), ("Source", {"fields": SOURCE_FIELDS})]
        if obj.is_house:
            return [
                ("Schedule", {
                    "fields": SCHEDULE_FIELDS,
                    "description": "Changed only with the workflow buttons above, so every change is recorded.",
                }),
                ("Content", {"fields": ["slug", *self._content_fields(request, obj)]}),
            ]
        content_note = (
            "Imported from the provider's feed. Your headline, excerpt, editor's note, body, category, "
            "topics and captions are kept over the source's: the next import does not overwrite them, "
            "and where the source's value differs it is shown beside the field. The provider, dates and "
            "scores are the file's."
            if is_imported(obj) else None
        )
        return [
            ("Schedule", {
                "fields": SCHEDULE_FIELDS,
                "description": "Changed only with the workflow buttons above, so every change is recorded.",
            }),
            ("Content", {"fields": ["slug", *self._content_fields(request, obj)], "description": content_note}),
            ("Source", {
                "classes": ["collapse"],
                "fields": [*SOURCE_FIELDS, "unknown_keys", "provider_unknown_keys", "source_hash",
                           "created_at", "updated_at"],
            }),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fixed = [*SCHEDULE_FIELDS, "slug", *SOURCE_FIELDS, "unknown_keys", "provider_unknown_keys",
                 "source_hash", "created_at", "updated_at"]
        if self._content_is_read_only(request, obj):
            fixed += self._content_fields(request, obj)
        elif is_imported(obj):
            fixed += FILE_FIELDS
        return fixed

    def _content_is_read_only(self, request, obj):
        return not self.has_change_permission(request, obj)

    def _content_fields(self, request, obj):
        fields = HOUSE_FIELDS if obj is not None and obj.is_house else CONTENT_FIELDS
        if obj is not None and self._content_is_read_only(request, obj):
            # Read-only, the tag manager would be labelled "Tags"; show our column instead.
            return [("topic_list" if name == "topics" else name) for name in fields]
        return fields

    def has_change_permission(self, request, obj=None):
        # A killed article is frozen for legal reasons: it can be viewed, not edited.
        if obj is not None and obj.status == Status.KILLED:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description="unknown keys")
    def unknown_keys(self, article):
        return _json_block(article.extra)

    @admin.display(description="unknown provider keys")
    def provider_unknown_keys(self, article):
        return _json_block(article.provider_extra)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self._workflow_context(request, obj))
            context.update(self._content_context(request, obj, context["adminform"].form))
            if obj.status == Status.KILLED:
                # Nothing on the form is editable: a Save button would only mislead.
                context.update(show_save=False, show_save_and_continue=False,
                               show_save_and_add_another=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _content_context(self, request, article, form):
        """What the form says about versions: pending changes, a send-back note, the buttons' words."""
        published = article.status == Status.PUBLISHED
        editable = self.has_change_permission(request, article)
        pending = article.pending_revision if article.pending_revision_id else None
        sent_back = None
        if pending is not None and article.pending_sent_back:
            sent_back = article.transitions.filter(action="send_back_changes").select_related("user").first()
        return {
            "pending": pending,
            "pending_author": pending.author() if pending else "",
            "sent_back": article.pending_sent_back and pending is not None,
            "sent_back_entry": sent_back,
            "save_label": "Save as pending changes" if published else "Save",
            "can_publish_changes": editable and published and request.user.has_perm("articles.publish_article"),
            "pictures": getattr(form, "pictures", []) if editable else [],
            "pictures_source": getattr(form, "pictures_source", None) if editable else None,
        }

    def _workflow_context(self, request, article):
        seen = workflow.visibility(article)
        return {
            "workflow_steps": workflow.available_steps(article, request.user),
            "visibility_code": seen.code,
            "visibility_text": seen.text,
            "embargo_active": bool(seen.embargo_until),
            "embargo_text": seen.embargo_text,
            "recent_transitions": article.transitions.select_related("user")[:10],
            "corrections": article.corrections.select_related("created_by"),
            "can_share": request.user.has_perm(sharing.PERMISSION) and article.status != Status.KILLED,
            "preview_url": article.get_absolute_url(),
            "is_imported": is_imported(article),
        }

    def save_model(self, request, obj, form, change):
        if not change:
            if form.is_house:
                # Ours: no provider, no URL; a readable slug, its date the day it was written.
                obj.provider = None
                obj.web_url = None
                obj.slug = Article.house_slug_for(obj.title)
                obj.published_at = obj.published_at or timezone.now()
            else:
                obj.slug = Article.slug_for(obj.title, obj.web_url)
            workflow.create(obj, by=request.user)
        # An existing article is saved in ``save_related``: a hand-made one's
        # picture rows first, then its content through the workflow.

    def save_related(self, request, form, formsets, change):
        if not change:
            super().save_related(request, form, formsets, change)
            workflow.creation_completed(form.instance)
            return
        article = form.instance
        # Never ``form.save_m2m()``: the topics are content, saved with the rest below;
        # so is the byline: its rows are written by the workflow (or held in the pending version).
        for formset in formsets:
            if formset.model is not Byline:
                self.save_formset(request, form, formset, change=change)
            else:  # nothing saved here; the admin's change message reads these
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        bylines = next((byline_content(formset) for formset in formsets if formset.model is Byline), None)
        pictures_changed = any(
            formset.model is Image and formset.has_changed() for formset in formsets
        )
        # The form wrote the typed content onto the instance; the workflow reads
        # the stored content from it, and writes the new one itself.
        article.refresh_from_db(fields=CONTENT_COLUMNS)
        content = form.content(
            images=editorial.live_content(article)["images"] if pictures_changed else None
        )
        if bylines is not None:
            content = contents.overlay(content, {"bylines": bylines})
        model_fields = {f.name for f in Article._meta.concrete_fields} - set(CONTENT_COLUMNS)
        others = [name for name in form.changed_data if name in model_fields]
        labels = [*form.changed_labels(content),
                  *(str(form.fields[name].label or name).lower() for name in others)]
        publish = "_publish" in request.POST
        saved = workflow.save_content(
            article, content, by=request.user, expected_version=form.cleaned_data.get("version"),
            message=f"Changed {', '.join(labels)}." if labels else "", publish=publish, fields=others,
        )
        if saved.pending:
            self.message_user(
                request, "Saved as pending changes: readers see the live version until a publisher "
                "publishes them.", messages.INFO,
            )
        elif publish and saved.went_live:
            self.message_user(request, "The changes are published: readers see them now.", messages.SUCCESS)

    def response_change(self, request, obj):
        if "_publish" in request.POST:
            # Stay on the article after publishing, to see the result.
            self.message_user(request, f"“{obj}” was saved.", messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def use_source_view(self, request, object_id):
        """Take the source's value of one field back (the button beside an edited field)."""
        article = self._article_or_404(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        name = request.POST.get("use_source", "")
        if name not in contents.SOURCE_FIELDS:
            raise Http404("No such field.")
        try:
            saved = workflow.use_source(
                article, [name], by=request.user, expected_version=parse_id(request.POST.get("version")),
            )
        except workflow.StaleArticle as stale:
            self.message_user(request, f"{stale.message} Nothing was changed.", messages.ERROR)
        else:
            label = contents.LABELS[name].lower()
            if saved.pending:
                text = f"The source’s {label} is in the pending changes; readers see it once a publisher publishes them."
            else:
                text = f"The source’s {label} is back."
            self.message_user(request, text, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except workflow.StaleArticle as stale:
            # The form's check locks the row, so only a racing non-locking
            # writer gets here; the transaction was rolled back, nothing saved.
            self.message_user(request, f"{stale.message} Nothing was saved; please try again.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def history_view(self, request, object_id, extra_context=None):
        """The article's versions (revisions), newest first and paginated, then its audit trail.

        Each version says who made it, when, how, whether readers see it and
        what it changed; two radio columns choose any two for the compare page.
        """
        article = self._article_or_404(request, object_id)
        page, rows = history.revisions_page(article, request.GET.get("page"))
        may_restore = workflow.may(request.user, "restore", article)
        return self._page(
            request, "object_history.html", f"History: {article}", article,
            page=page, rows=rows, may_restore=may_restore, has_pending=article.pending_revision_id is not None,
            live_label="live" if article.is_live() else "current",
            transitions=article.transitions.select_related("user")[:500],
        )

    def compare_view(self, request, object_id):
        """Two versions side by side, field by field; works from plain links and a GET form."""
        article = self._article_or_404(request, object_id)
        history_url = reverse("admin:articles_article_history", args=[article.pk])
        old_key, new_key = request.GET.get("a"), request.GET.get("b")
        if not old_key or not new_key:
            self.message_user(request, "Choose two versions to compare.", messages.WARNING)
            return HttpResponseRedirect(history_url)
        old, new, diffs = history.compare(article, old_key, new_key)
        return self._page(
            request, "compare.html", f"Compare versions: {article}", article,
            old=old, new=new, diffs=diffs, changed=[diff for diff in diffs if diff.changed],
            may_restore=workflow.may(request.user, "restore", article), history_url=history_url,
        )

    # --- workflow pages ---

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name=f"{name}_import"),
            path("import/<int:run_id>/", wrap(self.import_progress_view), name=f"{name}_import_progress"),
            path("<path:object_id>/step/<str:step_name>/", wrap(self.step_view), name=f"{name}_step"),
            path("<path:object_id>/share/", wrap(self.share_view), name=f"{name}_share"),
            path("<path:object_id>/use-source/", wrap(self.use_source_view), name=f"{name}_use_source"),
            path("<path:object_id>/history/compare/", wrap(self.compare_view), name=f"{name}_compare"),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None or not self.has_view_permission(request, article):
            raise Http404("No such article.")
        return article

    def _page(self, request, template, title, article=None, **context):
        return TemplateResponse(request, f"admin/articles/article/{template}", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "original": article,
            "article": article,
            **context,
        })

    def step_view(self, request, object_id, step_name):
        """Confirm and take one workflow step on one article (the change form's buttons)."""
        article = self._article_or_404(request, object_id)
        step = workflow.STEPS.get(step_name)
        if step is None:
            raise Http404("No such step.")
        change_url = reverse("admin:articles_article_change", args=[article.pk])
        refusal = step.refusal(request.user, article)
        if refusal is not None:
            self.message_user(request, f"{refusal.message} Nothing was changed.", messages.ERROR)
            return HttpResponseRedirect(change_url)
        chosen = {name: request.GET[name] for name in step.query_fields if name in request.GET}
        form = step.form(request.POST or None, articles=[article], initial={**step.initial(article), **chosen})
        if form.is_valid():
            try:
                step.execute(
                    article, by=request.user, note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["version"], **form.options(),
                )
            except workflow.StaleArticle as stale:
                # Show the current state and let the user decide again, note kept.
                form.data = form.data.copy()
                form.data["version"] = Article.objects.get(pk=article.pk).version
                form.add_error(None, ValidationError(stale.message, code=stale.code))
                article.refresh_from_db()
            except workflow.NotPermitted as refused:
                self.message_user(request, f"{refused.message} Nothing was changed.", messages.ERROR)
                return HttpResponseRedirect(change_url)
            except workflow.WorkflowError as refused:
                form.add_error(None, ValidationError(refused.message, code=refused.code))
            else:
                self.message_user(request, f"{step.label}: done for “{article}”.", messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        seen = workflow.visibility(article)
        return self._page(
            request, "step.html", f"{step.label}: {article}", article,
            step=step, form=form, media=self.media + form.media, visibility_text=seen.text,
            visibility_code=seen.code,
        )

    def share_view(self, request, object_id):
        """Create and revoke signed share links for one article."""
        article = self._article_or_404(request, object_id)
        if not request.user.has_perm(sharing.PERMISSION):
            raise PermissionDenied
        share_url = reverse("admin:articles_article_share", args=[article.pk])
        form = ShareLinkForm(
            request.POST if "create" in request.POST else None, pending=article.pending_revision_id is not None
        )
        if "revoke" in request.POST:
            link_id = parse_id(request.POST["revoke"])
            link = None if link_id is None else article.share_links.filter(pk=link_id).first()
            if link is not None:
                sharing.revoke_link(link, by=request.user)
                self.message_user(request, "The link was revoked; it no longer opens the article.")
            return HttpResponseRedirect(share_url)
        if form.is_valid():
            try:
                link = sharing.create_link(
                    article, by=request.user, expires_at=form.cleaned_data["expires_at"],
                    pending=form.shows_pending(),
                )
            except workflow.WorkflowError as refused:
                form.add_error(None, ValidationError(refused.message, code=refused.code))
            else:
                self.message_user(request, "Share link created: copy it from the list below.", messages.SUCCESS)
                return HttpResponseRedirect(share_url)
        now = timezone.now()
        links = [
            {"link": link, "active": link.is_active(now), "url": sharing.url_for(link, request)}
            for link in article.share_links.select_related("created_by", "revoked_by")
        ]
        return self._page(
            request, "share.html", f"Share “{article}”", article,
            form=form, links=links, media=self.media + form.media,
            killed=article.status == Status.KILLED,
        )

    def import_view(self, request):
        """Upload article files (or zips of them); a background worker imports them.

        The upload is checked and stored here, the import queued
        (``importing.queue``); the run's page then shows its progress and report.
        """
        if not request.user.has_perm("articles.import_articles"):
            raise PermissionDenied
        # Bound on any POST, even one with no file: that is the field's "required" error.
        posted = request.method == "POST"
        form = ImportUploadForm(request.POST if posted else None, request.FILES if posted else None)
        if form.is_valid():
            uploads = form.cleaned_data["files"]
            try:
                # No parser processes inside a worker's task: one import per worker at a time.
                run = enqueue_import(
                    uploads, user=request.user, origin="admin", label=_upload_label(uploads), parallel=False,
                )
            except ValidationError as error:
                form.add_error("files", error)
            else:
                return HttpResponseRedirect(
                    reverse("admin:articles_article_import_progress", args=[run.pk])
                )
        return self._page(
            request, "import.html", "Import article files", form=form, media=self.media + form.media,
        )

    def import_progress_view(self, request, run_id):
        """One import run: its progress while it runs (the page refreshes itself), then its report."""
        if not request.user.has_perm("articles.import_articles"):
            raise PermissionDenied
        run = ImportRun.objects.filter(pk=run_id).select_related("user").first()
        if run is None:
            raise Http404("No such import run.")
        done = run.seen
        return self._page(
            request, "import_progress.html", f"Import run {run.pk}: {run.get_state_display().lower()}",
            run=run, done=done, percent=min(100, done * 100 // run.total) if run.total else None,
            refresh_seconds=None if run.finished else IMPORT_PAGE_REFRESH_SECONDS,
            step_errors=run.step_errors(), rejections=run.report_rejections(),
            written=run.report_written(), ignored=run.ignored_names(),
            seconds=(run.finished_at - run.started_at).total_seconds() if run.finished_at else None,
        )

    # --- bulk actions ---

    def bulk_step(self, request, queryset, step):
        """Take ``step`` on the selected articles; a step that needs input asks for it first."""
        if step.needs_input:
            return self._bulk_with_form(request, queryset, step)
        self._bulk(request, queryset, step)
        return None

    def response_action(self, request, queryset):
        # Django drops an action the user may not take with a vague "No action
        # selected"; a crafted POST for one of ours gets a clear refusal.
        allowed = self.get_actions(request)
        steps = {f"{step.name}_selected": step for step in workflow.STEPS.values() if step.bulk}
        for name in request.POST.getlist("action"):
            if name in steps and name not in allowed:
                self.message_user(
                    request, f"You may not {steps[name].verb} articles. Nothing was changed.", messages.ERROR
                )
                return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)

    def _bulk(self, request, queryset, step, **options):
        versions = _seen_versions(request)
        report = workflow.apply_many(step.name, queryset, by=request.user, versions=versions, **options)
        self._report(request, step, report)

    def _bulk_with_form(self, request, queryset, step):
        """Ask for the step's input (a reason, times) first, the way Django's delete action confirms."""
        form = step.form(request.POST if "confirm" in request.POST else None, articles=queryset, bulk=True)
        if form.is_valid():
            self._bulk(request, queryset, step, note=form.cleaned_data["note"], **form.options())
            return None
        total = queryset.count()
        return self._page(
            request, "bulk_step.html", f"{step.label}: {total} article{'s' if total != 1 else ''}",
            step=step, form=form, media=self.media + form.media, total=total,
            articles=queryset.select_related("provider")[:100], more=max(total - 100, 0),
            action=request.POST.get("action", ""),
            selected=request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            select_across=request.POST.get("select_across", "0"),
            seen_versions=request.POST.getlist("_seen_version"),
            action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
        )

    def _report(self, request, step, report):
        """One message per outcome, naming the articles (autoescaped by the admin's templates)."""
        if report.done:
            self.message_user(
                request, f"{step.label}: done for {_count(report.done)}: {_names(report.done)}.",
                messages.SUCCESS,
            )
        outcomes = [
            (report.not_allowed, "you may not do this", messages.WARNING),
            (report.illegal, "not possible from their state", messages.WARNING),
            (report.changed, "changed since you loaded the page; reload and try again", messages.ERROR),
        ]
        for items, why, level in outcomes:
            if items:
                details = "; ".join(f"“{article}” ({reason})" for article, reason in items[:MAX_NAMED_IN_MESSAGE])
                more = f"; and {len(items) - MAX_NAMED_IN_MESSAGE} more" if len(items) > MAX_NAMED_IN_MESSAGE else ""
                self.message_user(
                    request, f"{step.label}: skipped {_count(items)} ({why}): {details}{more}.", level
                )


def _bulk_action(step):
    """The admin list action taking ``step`` on the selected articles (see ``ArticleAdmin.actions``)."""

    def action(modeladmin, request, queryset):
        return modeladmin.bulk_step(request, queryset, step)

    action.__name__ = action.__qualname__ = f"{step.name}_selected"
    return admin.action(description=step.bulk, permissions=[step.name])(action)


def _seen_versions(request):
    """``{article id: version}`` from the list page the user acted on."""
    versions = {}
    for value in request.POST.getlist("_seen_version"):
        pk, _, version = (parse_id(part) for part in value.partition(":"))
        if pk is not None and version is not None:
            versions[pk] = version
    return versions


def _count(items):
    return f"{len(items)} article{'s' if len(items) != 1 else ''}"


def _names(articles):
    shown = ", ".join(f"“{article}”" for article in articles[:MAX_NAMED_IN_MESSAGE])
    extra = len(articles) - MAX_NAMED_IN_MESSAGE
    return f"{shown} and {extra} more" if extra > 0 else shown


def _clamped(text):
    """``text`` for a list cell the stylesheet clamps (static/admin-newsroom.css), whole in ``title``."""
    if not text:
        return "—"
    return format_html('<span class="nr-clamp" title="{}">{}</span>', text, text)


def _upload_label(uploads):
    names = ", ".join(upload.name for upload in uploads[:3])
    return names + (f" and {len(uploads) - 3} more" if len(uploads) > 3 else "")


def _json_block(value):
    if not value:
        return "—"
    return format_html("<pre class=\"nr-json\">{}</pre>", json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True))


# --- the audit trail and the rest ------------------------------------------------------------


class ReadOnlyAdmin(CheckedSelectionMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Records written by the workflow or the importer: viewed here, never edited."""


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ["at", "article_link", "action", "from_status", "to_status", "user", "note", "change_summary"]
    list_filter = ["action", "to_status", "from_status", "user", ("at", InstantFieldListFilter)]
    list_select_related = ["article", "user"]
    search_fields = ["article__title", "note"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 100

    def lookup_allowed(self, lookup, value, request=None):
        # The article page links to its own trail.
        return lookup == "article__id__exact" or super().lookup_allowed(lookup, value, request)

    @admin.display(description="changes (old → new)")
    def change_summary(self, entry):
        rows = entry.change_list()
        if not rows:
            return "—"
        return format_html(
            '<dl class="nr-changes">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd><del>{}</del> → <ins>{}</ins></dd>", rows),
        )

    @admin.display(description="article", ordering="article__title")
    def article_link(self, entry):
        url = reverse("admin:articles_article_change", args=[entry.article_id])
        return format_html('<a href="{}">{}</a>', url, entry.article.title)


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "article", "note", "created_by"]
    list_select_related = ["article", "created_by"]
    search_fields = ["article__title", "note"]


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnlyAdmin):
    list_display = ["article", "created_by", "created_at", "expires_at", "is_active"]
    list_select_related = ["article", "created_by"]
    actions = ["revoke_selected"]

    @admin.display(boolean=True, description="active")
    def is_active(self, link):
        return link.is_active()

    @admin.action(description="Revoke selected share links", permissions=["share"])
    def revoke_selected(self, request, queryset):
        links = list(queryset.filter(revoked_at__isnull=True).select_related("article"))
        for link in links:
            sharing.revoke_link(link, by=request.user)
        self.message_user(request, f"Revoked {len(links)} share link{'s' if len(links) != 1 else ''}.")

    def has_share_permission(self, request):
        return request.user.has_perm(sharing.PERMISSION)


@admin.register(Topic)
class TopicAdmin(CheckedSelectionMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "source", "files", "user", "state", "progress", "created", "updated",
                    "rejected", "report_link"]
    list_filter = ["state", "source"]
    list_select_related = ["user"]
    fields = ["started_at", "finished_at", "source", "label", "user", "state", "total", "seen", "created",
              "updated", "unchanged", "rejected", "report_link", "rejection_table"]
    readonly_fields = fields

    @admin.display(description="files", ordering="label")
    def files(self, run):
        return _clamped(run.label)

    @admin.display(description="done")
    def progress(self, run):
        return f"{run.seen} of {run.total}" if run.total else run.seen

    @admin.display(description="progress and report")
    def report_link(self, run):
        url = reverse("admin:articles_article_import_progress", args=[run.pk])
        return format_html('<a href="{}">{}</a>', url, "report" if run.finished else "progress")

    @admin.display(description="rejections")
    def rejection_table(self, run):
        entries = run.report_rejections() + [
            {"path": "", "kind": "step_failed", "location": "", "field": "", "message": message}
            for message in run.step_errors()
        ]
        if not entries:
            return "—"
        return format_html(
            "<table><thead><tr><th>File</th><th>Kind</th><th>Location</th><th>Message</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            format_html_join(
                "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((r["path"], r["kind"], r["location"] or r["field"], r["message"]) for r in entries),
            ),
        )
