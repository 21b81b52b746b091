"""The public site's pages. Everything a reader sees starts from ``Article.objects.live()``.

Lists are cut with a cursor (the last article's date and id) instead of an
offset and a count, so the thousandth page of a million articles costs what
the first one does. Each page runs a fixed number of queries, pinned in tests.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import DatabaseError, connection
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView

from . import rendering
from .models import Article, Image, Related, TaggedArticle, Topic

PAGE_SIZE = 20
INDEX_PAGE_SIZE = 200
# The lead story is picked among this many of the newest live articles.
LEAD_CANDIDATES = 30
# A save within this long of publication is not worth an "Updated" line.
UPDATE_GRACE = timedelta(minutes=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def lead_image_prefetch():
    """Only each article's first image, for list thumbnails (one query for the page)."""
    return Prefetch("images", queryset=Image.objects.filter(position=0), to_attr="lead_images")


def article_page_prefetches():
    """What the article page shows besides the article row: one query each."""
    related = Related.objects.annotate(
        # Our own page is linked only while that article is live here.
        target_slug=Subquery(
            Article.objects.live().filter(pk=OuterRef("target_id")).values("slug")[:1]
        )
    )
    prefetches = ["images", "topics", Prefetch("related_items", queryset=related)]
    if hasattr(Article, "corrections"):
        prefetches.append("corrections")
    return prefetches


# --- Pagination -------------------------------------------------------------


def _cursor(article):
    micros = (article.published_at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}-{article.pk}"


def _parse_cursor(value):
    try:
        micros, pk = value.split("-", 1)
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
        newer = Q(published_at__gt=published_at) | Q(published_at=published_at, pk__gt=pk)
        rows = list(queryset.filter(newer).reverse()[: page_size + 1])
        items = rows[:page_size][::-1]
        return CursorPage(
            items,
            previous_query=f"after={_cursor(items[0])}" if len(rows) > page_size else "",
            next_query=f"before={_cursor(items[-1])}" if items else "",
        )
    if before:
        published_at, pk = _parse_cursor(before)
        older = Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=pk)
        queryset = queryset.filter(older)
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

    def live_articles(self):
        return Article.objects.live().select_related("provider").prefetch_related(lead_image_prefetch())

    def get_queryset(self):
        return self.live_articles()

    def paginate_queryset(self, queryset, page_size):
        page = paginate_by_cursor(queryset, self.request, page_size)
        return None, page, page.object_list, page.has_other_pages()

    def can_preview(self):
        return self.request.user.has_perm("articles.change_article")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("heading", self.heading)
        return super().get_context_data(**kwargs)


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
    pool = [a for a in candidates if a.has_lead_image] or candidates
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


class FrontPageView(PublicSiteMixin, ListView):
    """The lead story, then the latest live articles (three queries in all)."""

    template_name = "articles/front_page.html"
    heading = "Latest news"

    @cached_property
    def lead(self):
        has_image = Image.objects.filter(article=OuterRef("pk"), position=0)
        candidates = (
            Article.objects.live()
            .select_related("provider")
            .annotate(has_lead_image=Exists(has_image))[:LEAD_CANDIDATES]
        )
        return choose_lead(candidates)

    def get_queryset(self):
        articles = Article.objects.live().select_related("provider")
        return articles.exclude(pk=self.lead.pk) if self.lead else articles

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The lead opens the front page only; older pages are plain lists.
        lead = None if context["page_obj"].has_previous() else self.lead
        # One query for the pictures of the lead and the whole list.
        shown = [lead, *context["object_list"]] if lead else context["object_list"]
        prefetch_related_objects(shown, lead_image_prefetch())
        context["lead"] = lead
        return context


# --- Lists by topic, category and date ---------------------------------------------


class TopicView(PublicSiteMixin, ListView):
    template_name = "articles/article_list.html"

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tagged_topics__tag=self.topic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.topic.name,
            kind="Topic",
            feeds=feed_links("articles:topic-rss", "articles:topic-atom", slug=self.topic.slug),
            **kwargs,
        )


class TopicIndexView(PublicSiteMixin, ListView):
    """Every topic that has at least one live article, A to Z."""

    template_name = "articles/topic_index.html"
    paginate_by = INDEX_PAGE_SIZE
    heading = "Topics"

    def get_queryset(self):
        live_tagged = TaggedArticle.objects.filter(
            tag=OuterRef("pk"), content_object__in=Article.objects.live()
        )
        return Topic.objects.filter(Exists(live_tagged)).order_by("name", "pk")

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

    def get_queryset(self):
        return Article.objects.select_related("provider")

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
    prefetch_related_objects([article], *article_page_prefetches())
    response = render(request, "articles/article_detail.html", article_context(request, article, preview_banner))
    if preview_banner:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def updated_at(article):
    """When the article was changed after publication, or None if it never was."""
    if article.version > 1 and article.updated_at > article.published_at + UPDATE_GRACE:
        return article.updated_at
    return None


def article_context(request, article, preview_banner=None):
    """Everything the article template shows, with every URL already checked."""
    images = [image for image in article.images.all() if rendering.web_url(image.url)]
    for image in images:
        image.src = rendering.web_url(image.url)
    related = list(article.related_items.all())
    for item in related:
        item.local_url = (
            reverse("articles:detail", kwargs={"slug": item.target_slug}) if item.target_slug else ""
        )
        item.external_url = rendering.web_url(item.web_url)
    canonical = request.build_absolute_uri(article.get_absolute_url())
    modified = updated_at(article)
    topics = list(article.topics.all())
    return {
        "article": article,
        "preview_banner": preview_banner,
        "lead_image": images[0] if images else None,
        "more_images": images[1:],
        "topics": topics,
        "related": related,
        "corrections": list(article.corrections.all()) if hasattr(article, "corrections") else [],
        "body_html": rendering.render_markdown(article.body),
        "updated_at": modified,
        "canonical_url": canonical,
        "original_url": rendering.web_url(article.web_url),
        "amp_url": rendering.web_url(article.amp_url),
        "provider_url": rendering.web_url(f"https://{article.provider.domain}/"),
        "json_ld": rendering.json_ld(news_article_data(article, canonical, images, topics, modified)),
        "feeds": feed_links("articles:rss", "articles:atom"),
    }


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
        "image": [image.src for image in images],
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


@never_cache
def healthz(request):
    """200 while the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def trivial(request):
    """The benchmark's baseline: a Django view that does nothing (only routed for benchmarks)."""
    return HttpResponse("ok\n", content_type="text/plain")

