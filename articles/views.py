"""The public site's pages. Everything a reader sees starts from ``Article.objects.live()``.

Lists are cut with a cursor (the last article's date and id) instead of an
offset and a count, so the thousandth page of a million articles costs what
the first one does. Each page runs a fixed number of queries, pinned in tests.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, connections
from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.cache import cache_control, never_cache
from django.views.generic import DetailView, ListView, TemplateView

from newsroom.prepared import PreparedQuerySet
from stories.models import one_per_story, with_story

from . import rendering
from .collation import Alphabetical
from .models import Article, Correction, Image, Related, TaggedArticle, Topic
from .templatetags.pictures import fallback_rendition

PAGE_SIZE = 20
INDEX_PAGE_SIZE = 200
# The lead story is picked among this many of the newest live articles; the
# rest make the front page's first page, so there must be more than a page.
LEAD_CANDIDATES = 30
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# What a list shows of each article; the large columns (body, extra data, the
# secured token) are never loaded for a list.
LIST_FIELDS = (
    "title", "slug", "excerpt", "category", "published_at", "modified_at", "heat", "quality",
    "provider__name", "provider__slug",
)
# Never needed by a public page, and the token must never reach one.
PRIVATE_FIELDS = ("secured", "extra", "provider_extra", "source_hash")


def listed_articles():
    """Live articles with just what a list item shows, newest first."""
    return Article.objects.live().select_related("provider").only(*LIST_FIELDS)


def lead_images():
    """Articles' first images only, with what a list thumbnail shows."""
    return (
        Image.objects.filter(position=0)
        .only("article_id", "url", "width", "height", "title", "renditions")
        .order_by()
    )


def lead_image_prefetch():
    """Only each article's first image, for list thumbnails (one query for the page)."""
    return Prefetch("images", queryset=lead_images(), to_attr="lead_images")


def article_children(article):
    """What the article page shows besides the article row, one plain query each.

    Direct queries rather than prefetch_related, compiled once per process
    (``newsroom.prepared``): on the site's hottest page, building and compiling
    SQL cost Django more than the database spends running it.
    """
    return {
        "images": _images_of(article.pk),
        "topics": _topics_of(article.pk),
        "related": _related_of(article.pk),
        "corrections": _corrections_of(article.pk),
    }


RELATED_FIELDS = (
    "article_id", "position", "title", "web_url", "published_at", "provider_name",
    # Enough of our own copy to know whether it is live here, and where.
    "target__slug", "target__status", "target__go_live_at", "target__embargo_until",
    "target__expire_at",
)

# Explicit order_by: the models' default ordering starts with the article
# relation, which would join and sort by the article's own ordering.
_images_of = PreparedQuerySet(
    lambda pk: Image.objects.filter(article_id=pk).defer("extra").order_by("position"), 0
)
# File order, as the editor wrote them.
_topics_of = PreparedQuerySet(
    lambda pk: Topic.objects.filter(tagged_articles__content_object_id=pk).order_by("tagged_articles__id"), 0
)
_related_of = PreparedQuerySet(
    lambda pk: Related.objects.filter(article_id=pk).select_related("target").only(*RELATED_FIELDS)
    .order_by("position"),
    0,
)
_corrections_of = PreparedQuerySet(lambda pk: Correction.objects.filter(article_id=pk), 0)
# The article page's own row: provider and story in the same query.
_article_by_slug = PreparedQuerySet(
    lambda slug: with_story(Article.objects.select_related("provider").defer(*PRIVATE_FIELDS))
    .filter(slug=slug),
    "",
)


# --- Pagination -------------------------------------------------------------


def _cursor(article):
    micros = (article.published_at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}-{article.pk}"


def _parse_cursor(value):
    try:
        micros, pk = value.rsplit("-", 1)
        return _EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        raise Http404("Invalid page.") from None


@dataclass
class CursorPage:
    """One page of a list, with query strings for the newer and older neighbours."""

    object_list: list
    previous_query: str = ""
    next_query: str = ""

    def has_previous(self):
        return bool(self.previous_query)

    def has_next(self):
        return bool(self.next_query)

    def has_other_pages(self):
        return self.has_previous() or self.has_next()


def paginate_by_cursor(queryset, request, page_size):
    """Cut ``queryset`` (ordered newest first) into a ``CursorPage`` from ``?before=``/``?after=``."""
    before, after = request.GET.get("before"), request.GET.get("after")
    if after:
        published_at, pk = _parse_cursor(after)
        newer = Q(published_at__gt=published_at) | Q(pk__gt=pk)
        rows = list(queryset.filter(newer, published_at__gte=published_at).reverse()[: page_size + 1])
        items = rows[:page_size][::-1]
        return CursorPage(
            items,
            previous_query=f"after={_cursor(items[0])}" if len(rows) > page_size else "",
            next_query=f"before={_cursor(items[-1])}" if items else "",
        )
    if before:
        published_at, pk = _parse_cursor(before)
        # The plain range on the date lets the database walk its date index
        # from the cursor; the OR only breaks ties between equal dates.
        older = Q(published_at__lt=published_at) | Q(pk__lt=pk)
        queryset = queryset.filter(older, published_at__lte=published_at)
    rows = list(queryset[: page_size + 1])
    items = rows[:page_size]
    return CursorPage(
        items,
        previous_query=f"after={_cursor(items[0])}" if before and items else "",
        next_query=f"before={_cursor(items[-1])}" if len(rows) > page_size else "",
    )


# --- The mixin ---------------------------------------------------------------


class PublicSiteMixin:
    """What every public page shares: live articles, newest first, a page at a time.

    Staff with change permission may preview what is not live (the article
    page asks ``can_preview``); nothing else on the public site differs for them.
    """

    paginate_by = PAGE_SIZE
    heading = ""
    lists_articles = True

    def get_queryset(self):
        return listed_articles()

    def paginate_queryset(self, queryset, page_size):
        page = paginate_by_cursor(queryset, self.request, page_size)
        return None, page, page.object_list, page.has_other_pages()

    def can_preview(self):
        return self.request.user.has_perm("articles.change_article")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("heading", self.heading)
        context = super().get_context_data(**kwargs)
        if self.lists_articles:
            context["stories"] = self.stories_for(context["object_list"])
        return context

    def stories_for(self, articles):
        return stories(articles)


@dataclass
class Story:
    """One article as a list shows it, formatted in Python.

    Lists are the costliest pages to render; a dozen template filters per item
    cost more than the page's queries, so the values are prepared once here.
    """

    url: str
    title: str
    excerpt: str
    provider_name: str
    provider_url: str
    published_iso: str
    published_text: str
    image: dict | None
    # The article's story, when it has more than one live article.
    coverage_url: str = ""
    coverage_count: int = 0


@lru_cache(maxsize=50_000)
def _path(name, slug, prefix):
    return reverse(name, kwargs={"slug": slug})


def path_for(name, slug):
    """``reverse(name, slug=slug)``, memoised: a list page links forty of them.

    Reversing is pure (the URLconf does not change while running) and costs
    more than the list's queries, so each URL is built once per process.
    """
    return _path(name, slug, get_script_prefix())


def stories(articles):
    """``Story`` items for ``articles``, with their lead pictures in one query."""
    prefetch_related_objects(articles, lead_image_prefetch())
    items = []
    for article in articles:
        provider = article.provider
        published = timezone.localtime(article.published_at)
        image = article.lead_images[0] if article.lead_images else None
        src = rendering.web_url(image.url) if image else ""
        coverage = getattr(article, "story_live_count", None) or 0
        items.append(
            Story(
                url=path_for("articles:detail", article.slug),
                title=article.title,
                excerpt=article.excerpt,
                provider_name=provider.name,
                provider_url=path_for("providers:detail", provider.slug),
                published_iso=published.replace(microsecond=0).isoformat(),
                published_text=f"{published.day} {published:%b %Y, %H:%M} {published.tzname()}",
                image={
                    "src": src, "alt": image.title or article.title,
                    "width": image.width, "height": image.height,
                    "renditions": image.renditions,
                } if src else None,
                coverage_url=path_for("stories:detail", article.story_slug) if coverage > 1 else "",
                coverage_count=coverage,
            )
        )
    return items


# --- The front page ------------------------------------------------------------


def choose_lead(candidates):
    """The front page's lead story among ``candidates`` (newest first), or None.

    Each candidate scores half for its heat, as its rank among the candidates
    (the hottest 1, the coolest 0; heat -1 "not computed" and missing count as
    coolest), and half for its quality (0-100 scaled to 0-1, missing as 0).
    Candidates with a picture are preferred: if any has one, only those
    compete. The highest score wins; on a tie, the newer story.
    """
    candidates = list(candidates)
    pool = [a for a in candidates if a.lead_images] or candidates
    if not pool:
        return None
    heats = sorted(max(a.heat or 0, 0) for a in pool)

    def score(article):
        heat = max(article.heat or 0, 0)
        cooler = sum(1 for h in heats if h < heat)
        heat_rank = cooler / (len(pool) - 1) if len(pool) > 1 else 0
        return heat_rank / 2 + (article.quality or 0) / 200

    # max() keeps the first of equal scores, and candidates come newest first.
    return max(pool, key=score)


# The busiest query of the site, compiled once per process (newsroom.prepared).
# Each candidate comes with its story, so one event shows once (see stories.models).
_front_page_candidates = PreparedQuerySet(lambda: with_story(listed_articles())[:LEAD_CANDIDATES])
# Their pictures, found by the same cut of the live articles rather than a list
# of ids, so that this query too is compiled only once.
_front_page_lead_images = PreparedQuerySet(
    lambda: lead_images().filter(article__in=listed_articles().values("pk")[:LEAD_CANDIDATES])
)


class FrontPageView(PublicSiteMixin, ListView):
    """The lead story, then the latest live articles.

    The first page is cut from the lead's candidates themselves, so the
    busiest page of the site costs two queries: the newest articles and their
    pictures. Older pages add the list itself.
    """

    template_name = "articles/front_page.html"
    heading = "Latest news"

    @cached_property
    def candidates(self):
        candidates = _front_page_candidates()
        images = {image.article_id: image for image in _front_page_lead_images()}
        for article in candidates:
            article.lead_images = [images[article.pk]] if article.pk in images else []
        return candidates

    @cached_property
    def lead(self):
        return choose_lead(self.candidates)

    @cached_property
    def first_page(self):
        return not (self.request.GET.get("before") or self.request.GET.get("after"))

    def get_queryset(self):
        if self.first_page:
            # Cut from the candidates (paginate_queryset): no queryset to build.
            return self.candidates
        articles = with_story(listed_articles())
        return articles.exclude(pk=self.lead.pk) if self.lead else articles

    def paginate_queryset(self, queryset, page_size):
        if not self.first_page:
            return super().paginate_queryset(queryset, page_size)
        rest = [article for article in self.candidates if article is not self.lead]
        page = CursorPage(
            rest[:page_size],
            next_query=f"before={_cursor(rest[page_size - 1])}" if len(rest) > page_size else "",
        )
        return None, page, page.object_list, page.has_other_pages()

    def stories_for(self, articles):
        # The lead opens the front page only; older pages are plain lists.
        if not self.lead or not self.first_page:
            return stories(one_per_story(articles))
        # One query for the pictures of the lead and the list together.
        self.lead_story, *rest = stories(one_per_story([self.lead, *articles]))
        return rest

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lead"] = getattr(self, "lead_story", None)
        return context


# --- Lists by topic, category and date ---------------------------------------------


class TopicView(PublicSiteMixin, ListView):
    template_name = "articles/article_list.html"

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return super().get_queryset().tagged(self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.topic.name,
            kind="Topic",
            feeds=feed_links("articles:topic-rss", "articles:topic-atom", slug=self.topic.slug),
            **kwargs,
        )


class TopicIndexView(PublicSiteMixin, ListView):
    """Every topic that has at least one live article, A to Z whatever the case or accents."""

    template_name = "articles/topic_index.html"
    paginate_by = INDEX_PAGE_SIZE
    heading = "Topics"
    lists_articles = False

    def get_queryset(self):
        live_tagged = TaggedArticle.objects.filter(
            tag=OuterRef("pk"), content_object__in=Article.objects.live()
        )
        return Topic.objects.filter(Exists(live_tagged)).order_by(Alphabetical("name"), "pk")

    # Topics are few: numbered pages suit them better than cursors.
    paginate_queryset = ListView.paginate_queryset


class CategoryView(PublicSiteMixin, ListView):
    template_name = "articles/article_list.html"
    allow_empty = False

    def get_queryset(self):
        return super().get_queryset().filter(category=self.kwargs["category"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.kwargs["category"], kind="Category", **kwargs)


class ArchiveIndexView(PublicSiteMixin, TemplateView):
    """Every month that has live articles, newest first, grouped by year."""

    template_name = "articles/archive_index.html"
    heading = "Archive"
    lists_articles = False

    def get_context_data(self, **kwargs):
        months = Article.objects.live().dates("published_at", "month", order="DESC")
        years = {}
        for month in months:
            years.setdefault(month.year, []).append(month)
        return super().get_context_data(years=years, **kwargs)


class YearArchiveView(PublicSiteMixin, ListView):
    template_name = "articles/article_list.html"
    allow_empty = False

    def date_range(self):
        year = int(self.kwargs["year"])
        if not 1 <= year <= 9998:
            raise Http404("No such year.")
        zone = timezone.get_current_timezone()
        return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)

    def get_queryset(self):
        start, end = self.date_range()
        return super().get_queryset().filter(published_at__gte=start, published_at__lt=end)

    def get_context_data(self, **kwargs):
        start, end = self.date_range()
        context = {"heading": f"{start:%Y}", "kind": "Archive"}
        if "month" not in self.kwargs:
            context["months"] = (
                Article.objects.live()
                .filter(published_at__gte=start, published_at__lt=end)
                .dates("published_at", "month")
            )
        else:
            context["heading"] = f"{calendar.month_name[start.month]} {start.year}"
        return super().get_context_data(**context, **kwargs)


class MonthArchiveView(YearArchiveView):
    def date_range(self):
        year, month = int(self.kwargs["year"]), int(self.kwargs["month"])
        if not (1 <= year <= 9998 and 1 <= month <= 12):
            raise Http404("No such month.")
        zone = timezone.get_current_timezone()
        start = datetime(year, month, 1, tzinfo=zone)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
        return start, end


def feed_links(rss_name, atom_name, **kwargs):
    """(type, label, URL) of the RSS and Atom feeds, for <link rel="alternate"> and footers."""
    return [
        ("application/rss+xml", "RSS", reverse(rss_name, kwargs=kwargs)),
        ("application/atom+xml", "Atom", reverse(atom_name, kwargs=kwargs)),
    ]


# --- The article page ------------------------------------------------------------


class ArticleDetailView(PublicSiteMixin, DetailView):
    """An article at its permanent URL: live for everyone, a preview for staff, 410 once killed."""

    def get_object(self, queryset=None):
        found = _article_by_slug(self.kwargs["slug"])
        if not found:
            raise Http404("No such article.")
        return found[0]

    def get(self, request, *args, **kwargs):
        article = self.get_object()
        if article.status == Article.Status.KILLED:
            return gone(request)
        if article.is_live():
            return render_article(request, article)
        if self.can_preview():
            return render_article(request, article, preview_banner=preview_reason(article))
        raise Http404("No such article.")


def preview_reason(article):
    """Why a staff member's preview of ``article`` is not what readers see."""
    now = timezone.now()
    if article.status != Article.Status.PUBLISHED:
        return f"Preview: this article is {article.get_status_display().lower()} and not public."
    if article.embargo_until and article.embargo_until > now:
        return f"Preview: embargoed until {article.embargo_until:%d %b %Y %H:%M} UTC."
    if article.go_live_at and article.go_live_at > now:
        return f"Preview: scheduled to go live at {article.go_live_at:%d %b %Y %H:%M} UTC."
    return "Preview: this article has expired and is no longer public."


def render_article(request, article, *, preview_banner=None):
    """Render the public article page for ``article``, whatever its state.

    The public view calls it for live articles; previews and signed share links
    call it for any article, with ``preview_banner`` shown above the headline.
    A page with a banner is never cached or indexed.
    """
    response = render(request, "articles/article_detail.html", article_context(request, article, preview_banner))
    if preview_banner:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def updated_at(article):
    """When readers were told the article changed (a correction), or None."""
    if article.modified_at and article.modified_at > article.published_at:
        return article.modified_at
    return None


def article_context(request, article, preview_banner=None):
    """Everything the article template shows, with every URL already checked."""
    children = article_children(article)
    images = [image for image in children["images"] if rendering.web_url(image.url)]
    for image in images:
        image.src = rendering.web_url(image.url)
        image.card = card_picture(request, image)
    for item in children["related"]:
        # Our own page only while that article is live here; otherwise theirs.
        target = item.target
        item.local_url = path_for("articles:detail", target.slug) if target and target.is_live() else ""
        item.external_url = rendering.web_url(item.web_url)
    canonical = request.build_absolute_uri(article.get_absolute_url())
    modified = updated_at(article)
    topics = children["topics"]
    story_count = getattr(article, "story_live_count", None) or 0
    return {
        "article": article,
        # Its story's full coverage, when there is more than this one article to see.
        "story_url": path_for("stories:detail", article.story_slug) if story_count > 1 else "",
        "story_count": story_count,
        "preview_banner": preview_banner,
        "lead_image": images[0] if images else None,
        "more_images": images[1:],
        "topics": topics,
        "related": children["related"],
        "corrections": children["corrections"],
        "body_html": rendering.render_markdown(article.body),
        "description": _clip(article.excerpt or article.title, 300),
        "published": _moment(article.published_at),
        "updated": _moment(modified) if modified else None,
        "canonical_url": canonical,
        "original_url": rendering.web_url(article.web_url),
        "amp_url": rendering.web_url(article.amp_url),
        "provider_url": rendering.web_url(f"https://{article.provider.domain}/"),
        "json_ld": rendering.json_ld(news_article_data(article, canonical, images, topics, modified)),
    }


def card_picture(request, image):
    """``{"src", "width", "height"}`` of ``image`` for social cards and JSON-LD.

    Our own Pillow-checked copy once cached, by absolute URL, as the page itself
    shows; until then the original http(s) URL.
    """
    copy = fallback_rendition(image.renditions)
    if copy:
        src = request.build_absolute_uri(default_storage.url(copy["name"]))
        return {"src": src, "width": copy["width"], "height": copy["height"]}
    return {"src": image.src, "width": image.width, "height": image.height}


def news_article_data(article, canonical, images, topics, modified):
    """schema.org ``NewsArticle`` for ``article``; the provider is author and publisher.

    The format carries no byline, so the outlet is the author.
    """
    provider = {"@type": "Organization", "name": article.provider.name}
    provider_url = rendering.web_url(f"https://{article.provider.domain}/")
    if provider_url:
        provider["url"] = provider_url
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "url": canonical,
        "mainEntityOfPage": canonical,
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(modified or article.published_at),
        "author": [provider],
        "publisher": provider,
        "image": [image.card["src"] for image in images],
        "isBasedOn": rendering.web_url(article.web_url),
    }
    if article.excerpt:
        data["description"] = article.excerpt
    if article.category:
        data["articleSection"] = article.category
    if topics:
        data["keywords"] = [topic.name for topic in topics]
    return data


def _iso(moment):
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _moment(moment):
    """``{"iso", "text"}`` for a ``<time>`` element; cheaper than two template filters."""
    local = timezone.localtime(moment)
    return {
        "iso": local.replace(microsecond=0).isoformat(),
        "text": f"{local.day} {local:%B %Y, %H:%M} {local.tzname()}",
    }


def _clip(text, limit):
    """``text`` cut to ``limit`` characters at a word boundary, for meta descriptions."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip() + "…"


# --- Errors, robots.txt and health ---------------------------------------------------


def gone(request):
    """410 for a killed article: it existed, and it will not come back."""
    return render(request, "410.html", status=410)


def page_not_found(request, exception=None):
    """The site's 404 page (``handler404``)."""
    return render(request, "404.html", status=404)


def server_error(request):
    """The site's 500 page (``handler500``): no context processors, no database."""
    return HttpResponseServerError(loader.get_template("500.html").render())


def robots_txt(request):
    """robots.txt, naming the sitemaps by absolute URL."""
    sitemaps = [request.build_absolute_uri(reverse(name)) for name in ("sitemap", "sitemap-news")]
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /search/", ""]
    lines += [f"Sitemap: {url}" for url in sitemaps]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@cache_control(public=True, max_age=86400)
def favicon(request):
    """``/favicon.ico``, which browsers and feed readers ask for without reading any page.

    A temporary redirect to the static file, served like the other static
    files: its fingerprinted name changes with each deploy, so a permanent
    redirect would outlive it. Pages link the SVG and this file themselves.
    """
    return HttpResponseRedirect(static("favicon.ico"))


@never_cache
def healthz(request):
    """200 while the database and the cache answer, 503 naming what does not (for load balancers)."""
    down = []
    databases = [("database", connection)]
    if getattr(settings, "REPLICA_DATABASE", None):
        databases.append(("database replica", connections[settings.REPLICA_DATABASE]))
    for name, database in databases:
        try:
            with database.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            down.append(name)
    try:
        # A write and a read: a cache that accepts nothing is down too.
        cache.set("healthz", "ok", 10)
        if cache.get("healthz") != "ok":
            down.append("cache")
    except Exception:
        down.append("cache")
    if down:
        return HttpResponse(f"{' and '.join(down)} unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def trivial(request):
    """The benchmark's baseline: a Django view that does nothing (only routed for benchmarks)."""
    return HttpResponse("ok\n", content_type="text/plain")

