"""sitemap.xml (a sitemap index once it outgrows one file) and the Google News sitemap.

Like the feeds, every article list here starts from ``Article.objects.live()``.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from providers.models import Provider

from .models import Article, TaggedArticle, Topic

# The sitemaps protocol's limit per file; beyond it sitemap.xml becomes an index.
MAX_URLS = 50_000
# Google News only wants recent articles, and at most 1,000 per sitemap.
NEWS_WINDOW = timedelta(days=2)
NEWS_MAX_URLS = 1_000


class ArticleSitemap(Sitemap):
    limit = MAX_URLS

    def items(self):
        return Article.objects.live().only("slug", "updated_at", "published_at")

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)


class TopicSitemap(Sitemap):
    limit = MAX_URLS

    def items(self):
        live = TaggedArticle.objects.filter(
            tag=OuterRef("pk"), content_object__in=Article.objects.live()
        )
        return Topic.objects.filter(Exists(live)).order_by("pk").only("slug")


class ProviderSitemap(Sitemap):
    limit = MAX_URLS

    def items(self):
        live = Article.objects.live().filter(provider=OuterRef("pk"))
        return Provider.objects.filter(Exists(live)).order_by("pk").only("slug")


class PagesSitemap(Sitemap):
    """The front page and the indexes."""

    changefreq = "hourly"

    def items(self):
        return ["articles:index", "articles:topics", "providers:index", "articles:archive"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PagesSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "providers": ProviderSitemap,
}


def sitemap_xml(request):
    """One sitemap while every URL fits in one file, otherwise a sitemap index."""
    sections = {name: sitemap() for name, sitemap in SITEMAPS.items()}
    counts = [section.paginator.count for section in sections.values()]
    if sum(counts) <= MAX_URLS and all(s.paginator.num_pages <= 1 for s in sections.values()):
        return sitemap_views.sitemap(request, sitemaps=sections)
    return sitemap_views.index(request, sitemaps=SITEMAPS, sitemap_url_name="sitemap-section")


def sitemap_section(request, section):
    """One section of the sitemap index (``?p=`` pages through it)."""
    return sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section)


def news_sitemap(request):
    """Google News sitemap: live articles of the last two days, newest first, at most 1,000."""
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
