"""The search form's topic and source menus: built from live articles, short, and cached.

A menu of every topic ever imported would name topics only drafts carry (a
leak) and, at ten thousand topics, make every search page megabytes long.
So each menu offers the ``MENU_SIZE`` topics (or sources) most used by the
``RECENT`` newest live articles, A to Z: bounded work, bounded HTML. It is
built once per content version (``articles.caching.per_version``). Any live
topic or source can still be chosen through the URL (``?topic=slug``).
"""

from django.db.models import Count

from articles.caching import per_version
from articles.models import Article, TaggedArticle

MENU_SIZE = 50
RECENT = 5000


def topic_choices():
    """``[(slug, name)]`` of the topics most used by recent live articles, A to Z."""
    return per_version("search-topics", _topics)


def provider_choices():
    """``[(slug, name)]`` of the sources most used by recent live articles, A to Z."""
    return per_version("search-providers", _providers)


def _recent_live():
    return Article.objects.live().order_by("-published_at", "-id").values("pk")[:RECENT]


def _topics():
    top = (
        TaggedArticle.objects.filter(content_object__in=_recent_live())
        .values("tag").annotate(n=Count("*")).order_by("-n", "tag")
        .values_list("tag__slug", "tag__name")[:MENU_SIZE]
    )
    return _a_to_z(top)


def _providers():
    top = (
        # House articles have no provider: the menu lists outlets only.
        Article.objects.filter(pk__in=_recent_live(), provider__isnull=False)
        .values("provider").annotate(n=Count("*")).order_by("-n", "provider")
        .values_list("provider__slug", "provider__name")[:MENU_SIZE]
    )
    return _a_to_z(top)


def _a_to_z(pairs):
    return sorted(pairs, key=lambda pair: (pair[1].casefold(), pair[0]))
