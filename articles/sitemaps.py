"""sitemap.xml (a sitemap index once it outgrows one file) and the Google News sitemap.

Like the feeds, every article list here starts from ``Article.objects.live()``.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from authors.models import Author
from providers.models import Provider

from .models import Article, TaggedArticle, Topic

# The sitemaps protocol's limit per file; beyond it sitemap.xml becomes an index.
MAX_URLS = 50_000
# Google News only wants recent articles, and at most 1,000 per sitemap.
NEWS_WINDOW = timedelta(days=2)
NEWS_MAX_URLS = 1_000


class Section(Sitemap):
    """A sitemap section that counts its items once per request, not on every page lookup."""

    limit = MAX_URLS

    @cached_property
    def paginator(self):
        return Paginator(self._items(), self.limit)


class ArticleSitemap(Section):

    def items(self):
        return Article.objects.live().only("slug", "updated_at", "published_at")

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)


class TopicSitemap(Section):

    def items(self):
        live = TaggedArticle.objects.filter(
            tag=OuterRef("pk"), content_object__in=Article.objects.live()
        )
        return Topic.objects.filter(Exists(live)).order_by("pk").only("slug")


class ProviderSitemap(Section):

    def items(self):
        live = Article.objects.live().filter(provider=OuterRef("pk"))
        return Provider.objects.filter(Exists(live)).order_by("pk").only("slug")


class AuthorSitemap(Section):

    def items(self):
        return Author.objects.live().order_by("pk").only("slug")


class PagesSitemap(Section):
    """The front page and the indexes."""

    changefreq = "hourly"

    def items(self):
        return ["articles:index", "authors:house", "articles:topics", "providers:index", "articles:archive"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PagesSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "providers": ProviderSitemap,
    "authors": AuthorSitemap,
}


def sitemap_xml(request):
    """One sitemap while every URL fits in one file, otherwise a sitemap index.

    Each section is read once, capped just past the limit, so the common case
    costs one query per section and no counts; only a section that overflows
    is counted, to know how many pages of it the index lists.
    """
    base = request.build_absolute_uri("/").rstrip("/")
    sections = {name: sitemap() for name, sitemap in SITEMAPS.items()}
    items = {name: list(section.items()[: section.limit + 1]) for name, section in sections.items()}
    overflowing = [name for name, section in sections.items() if len(items[name]) > section.limit]
    if not overflowing and sum(map(len, items.values())) <= MAX_URLS:
        urlset = [
            {
                "location": base + section.location(item),
                "lastmod": section.lastmod(item) if hasattr(section, "lastmod") else None,
                "changefreq": getattr(section, "changefreq", None),
            }
            for name, section in sections.items()
            for item in items[name]
        ]
        return render(request, "sitemap.xml", {"urlset": urlset}, content_type="application/xml")
    index = []
    for name, section in sections.items():
        if not items[name]:
            # A sitemap must list at least one URL: an empty section stays out.
            continue
        pages = section.paginator.num_pages if name in overflowing else 1
        location = base + reverse("sitemap-section", kwargs={"section": name})
        index += [{"location": location + (f"?p={page}" if page > 1 else "")} for page in range(1, pages + 1)]
    return render(request, "sitemap_index.xml", {"sitemaps": index}, content_type="application/xml")


def sitemap_section(request, section):
    """One section of the sitemap index (``?p=`` pages through it)."""
    return sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section)


def news_sitemap(request):
    """Google News sitemap: live articles of the last two days, newest first, at most 1,000.

    After two quiet days it lists the front page alone: a sitemap must hold at
    least one URL, and its address (named in robots.txt) should keep answering.
    """
    since = timezone.now() - NEWS_WINDOW
    articles = Article.objects.live().filter(published_at__gte=since).only(
        "slug", "title", "published_at"
    )[:NEWS_MAX_URLS]
    context = {
        "articles": articles,
        "base_url": request.build_absolute_uri("/").rstrip("/"),
        "language": settings.LANGUAGE_CODE.split("-")[0].lower(),
    }
    return render(request, "sitemaps/news.xml", context, content_type="application/xml; charset=utf-8")
