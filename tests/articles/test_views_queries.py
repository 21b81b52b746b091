"""Every public page runs a fixed, small number of queries, however much an article carries.

Counts are taken with the site's content version already minted: minting one
costs two queries (the next scheduled go-live or expiry, the next start or end
of a pin or banner) once per content change, shared by every page, and is
pinned on its own below. The breaking-news banners are likewise read once per
content version (``curation.banners``) and warmed with it.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.caching import content_version, invalidate_public_pages
from articles.models import Article
from articles.views.base import PAGE_SIZE
from curation.banners import banners_for_pages

from .pages import add_corrections, add_images, add_related

pytestmark = pytest.mark.django_db

SIZES = [0, 6]


@pytest.fixture
def site(make_article, make_provider):
    """Build a small site whose articles each carry ``n`` images, related items, topics and corrections."""

    def build(n):
        provider = make_provider(name="Outlet", slug="outlet")
        topics = [f"Topic {t}" for t in range(n)] or ()
        articles = [
            make_article(provider=provider, category="news", topics=topics, body="Some *body*.")
            for _ in range(3)
        ]
        targets = [make_article(provider=provider) for _ in range(n)]
        for article in articles:
            add_images(article, n)
            add_corrections(article, n)
            for position, target in enumerate(targets):
                add_related(article, 1, target=target, start=position)
        make_article(status=Article.Status.DRAFT, topics=topics, provider=provider)
        content_version()
        banners_for_pages()
        return articles[0]

    return build


@pytest.mark.parametrize("n", SIZES)
def test_article_page_queries(client, site, django_assert_num_queries, n):
    url = site(n).get_absolute_url()
    # Article with provider, images, topics, related (with live targets), corrections.
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


PAGES = {
    # The newest articles (lead candidates and first page at once), the desk's pins, their pictures.
    "/": 3,
    # The topic, its size (small topics are listed by key), its pins, the list, its pictures.
    "/topics/topic-0/": 5,
    # A count and a page of topics.
    "/topics/": 2,
    # The provider with its quality, its top topics, the list, its pictures (the site's
    # articles are from May 2024: nothing in the chart's 30 days to count).
    "/providers/outlet/": 4,
    "/providers/": 2,
    # Is the category empty, the list, its pictures.
    "/categories/news/": 3,
    # The months that have articles.
    "/archive/": 1,
    # Is the year empty, its months, the list, its pictures.
    "/archive/2024/": 4,
    "/archive/2024/05/": 3,
    # The items and their topics; the topic (and its size) or provider first where there is one.
    "/rss/": 2,
    "/atom/": 2,
    "/topics/topic-0/rss/": 4,
    "/providers/outlet/atom/": 3,
    # One query per section (articles, topics, providers, authors); the fixed pages need none.
    "/sitemap.xml": 4,
    "/sitemap-news.xml": 1,
    "/robots.txt": 0,
}


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("url", PAGES)
def test_list_page_queries(client, site, django_assert_num_queries, url, n):
    site(n)
    if n == 0 and url.startswith("/topics/"):
        pytest.skip("no topics to show")
    with django_assert_num_queries(PAGES[url]):
        assert client.get(url).status_code == 200


def test_a_cached_page_runs_no_query(client, site, django_assert_num_queries):
    url = site(6).get_absolute_url()
    client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_minting_a_content_version_costs_two_queries(site, django_assert_num_queries):
    site(0)
    invalidate_public_pages()
    with django_assert_num_queries(2):
        content_version()
    with django_assert_num_queries(0):
        content_version()


@pytest.mark.parametrize("n", SIZES)
def test_older_front_pages_stay_within_the_limit(client, site, django_assert_num_queries, make_article, n):
    site(n)
    for _ in range(PAGE_SIZE + 5):
        make_article()
    content_version()
    banners_for_pages()
    older = re.search(r'rel="next" href="\?(before=[0-9-]+)"', client.get("/").content.decode()).group(1)
    # Lead candidates and their pictures (no pinned lead), the page, its pictures; the
    # pins were read by the first page, once for this content version.
    with django_assert_num_queries(4):
        assert client.get(f"/?{older}").status_code == 200


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner is deterministic")
def test_a_category_page_walks_its_own_index_not_every_article(client, site):
    """At a million articles, an unknown category's 404 scanned them all: half a second."""
    site(6)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/categories/no-such-category/").status_code == 404
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {queries.captured_queries[-1]['sql']}")
        plan = " ".join(row[-1] for row in cursor.fetchall())
    assert "article_category_date" in plan, plan


# Older pages (?before=) of every list: the same queries as their first page,
# the list itself now starting from the cursor.
OLDER_PAGES = {
    # The topic, its size, the list, its pictures (its pins were read by the
    # first page, once for this content version).
    "/topics/topic-0/": 4,
    # The provider with its quality, the list, its pictures (no days to count, as above; its
    # top topics were ranked by the first page, once for this content version).
    "/providers/outlet/": 3,
    # Is the category empty, the list, its pictures.
    "/categories/news/": 3,
    # Is the year empty, its months, the list, its pictures.
    "/archive/2024/": 4,
    "/archive/2024/05/": 3,
    # The list with each story's size, its pictures, the stories' outlets.
    "/stories/": 3,
}


@pytest.mark.parametrize("url", OLDER_PAGES)
def test_older_list_pages_stay_within_the_limit(client, site, django_assert_num_queries, make_article, url):
    from articles.models import Article
    from stories.models import Membership, Story

    site(6)
    provider = Article.objects.first().provider
    for n in range(2 * PAGE_SIZE + 5):
        article = make_article(provider=provider, category="news", topics=["Topic 0"])
        story = Story.objects.create(title=f"Event {n}", slug=f"event-{n}")
        Membership.objects.create(article=article, story=story)
        Membership.objects.create(article=make_article(provider=provider), story=story)
    content_version()
    banners_for_pages()
    html = client.get(url).content.decode()
    older = re.search(r'rel="next" href="\?(before=[0-9-]+)"', html).group(1)
    with django_assert_num_queries(OLDER_PAGES[url]):
        assert client.get(f"{url}?{older}").status_code == 200
