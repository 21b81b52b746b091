"""PREPARED_QUERIES: the fast paths and their plain fallbacks show readers the same pages.

``newsroom/prepared.py`` and the importer's COPY (``articles/bulk.py``) lean on
Django's and psycopg's internals. Every page that runs a prepared query is
rendered on both paths here (on SQLite, and on PostgreSQL with DATABASE_URL),
and an unverified Django or psycopg must choose the plain path by itself.
"""

import logging
from datetime import UTC, datetime, timedelta

import django
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from articles import bulk
from articles.models import Image, Topic
from curation.models import Pin
from newsroom import prepared

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(make_article, make_provider, monkeypatch):
    """Enough live articles for three pages of every list, with pictures, topics, pins and stories.

    Every article is from one outlet, in one category, on one big topic (above
    ``SMALL_TOPIC``, lowered here), in May 2024; one in three is also by our
    own reporter, and they come in pairs, one story each.
    """
    from articles.models import ArticleQuerySet
    from authors.models import Author, Byline
    from stories.models import Membership, Story

    monkeypatch.setattr(ArticleQuerySet, "SMALL_TOPIC", 10)
    start = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    outlet = make_provider(name="Outlet", slug="outlet")
    reporter = Author.objects.create(name="Reporter", slug="reporter")
    articles = []
    for n in range(65):
        house = n % 3 == 0
        article = make_article(
            title=f"Story {n}", topics=["Energy"], published_at=start + timedelta(hours=n),
            heat=n % 7, quality=(n * 13) % 100, category="news", provider=outlet,
        )
        if house:
            type(article).objects.filter(pk=article.pk).update(provider=None, web_url=None)
            Byline.objects.create(article=article, author=reporter)
        articles.append(article)
    # Two articles at the same instant: the id breaks the tie on every list.
    articles[21].__class__.objects.filter(pk=articles[21].pk).update(published_at=articles[20].published_at)
    for first in range(0, 64, 2):
        story = Story.objects.create(title=f"Event {first}", slug=f"event-{first}")
        for article in articles[first:first + 2]:
            Membership.objects.create(article=article, story=story)
    for article in articles[::3]:
        Image.objects.create(article=article, position=0, url=f"https://img.example/{article.pk}.jpg",
                             width=800, height=600, title=f"Picture of {article.title}")
    energy = Topic.objects.get(name="Energy")
    Pin.objects.create(article=articles[3], position=0)
    Pin.objects.create(article=articles[5], position=0, topic=energy)
    Pin.objects.create(article=articles[8], position=1, topic=energy)
    return articles


def older(client, url, pages=1):
    """The URL ``pages`` pages after ``url``, following its "older" links."""
    for _ in range(pages):
        html = client.get(url).content.decode()
        url = url.split("?", 1)[0] + "?before=" + html.split('href="?before=', 1)[1].split('"', 1)[0]
    return url


# Every public list, and each one's older pages: what they list comes from a prepared query.
LISTS = {
    "front page": "/",
    "topic page": "/topics/energy/",
    "provider page": "/providers/outlet/",
    "category page": "/categories/news/",
    "author page": "/authors/reporter/",
    "our reporting": "/our-reporting/",
    "year archive": "/archive/2024/",
    "month archive": "/archive/2024/05/",
    "story index": "/stories/",
}
PAGES = {
    **{name: (lambda url: lambda client, articles: url)(url) for name, url in LISTS.items()},
    **{f"older {name}": (lambda url: lambda client, articles: older(client, url))(url) for name, url in LISTS.items()},
    **{f"oldest {name}": (lambda url: lambda client, articles: older(client, url, 2))(url)
       for name, url in LISTS.items() if name not in ("author page", "our reporting", "story index")},
    "article page": lambda client, articles: articles[10].get_absolute_url(),
    "article page with pictures": lambda client, articles: articles[9].get_absolute_url(),
    "story page": lambda client, articles: "/stories/event-20/",
}


@pytest.fixture
def path_taken(monkeypatch):
    """Counts the calls that ran the fast path and those that ran the plain ORM."""
    calls = {"fast": 0, "plain": 0}
    compile_, evaluate = prepared.PreparedQuerySet._compile, prepared.PreparedQuerySet.evaluate

    def counted_compile(self, alias):
        calls["fast"] += 1
        return compile_(self, alias)

    def counted_evaluate(self, *values, using=None):
        calls["plain"] += 1
        return evaluate(self, *values, using=using)

    monkeypatch.setattr(prepared.PreparedQuerySet, "_compile", counted_compile)
    monkeypatch.setattr(prepared.PreparedQuerySet, "evaluate", counted_evaluate)
    return calls


def render(client, settings, url, mode, empty_caches):
    settings.PREPARED_QUERIES = mode
    # Nothing kept from the other path's render: pages, pins, the content version.
    empty_caches()
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content


@pytest.mark.parametrize("mode", ["on", "off"])
@pytest.mark.parametrize("page", PAGES)
def test_each_page_shows_the_same_rows_on_either_path(
    client, settings, newsroom, path_taken, page, mode, empty_caches
):
    settings.PUBLIC_CACHE_SECONDS = 0
    url = PAGES[page](client, newsroom)
    other = "off" if mode == "on" else "on"
    reference = render(client, settings, url, other, empty_caches)

    path_taken.update(fast=0, plain=0)
    shown = render(client, settings, url, mode, empty_caches)

    # The path asked for is the one that ran...
    if mode == "on":
        assert path_taken["fast"] > 0 and path_taken["plain"] == 0
    else:
        assert path_taken["plain"] > 0 and path_taken["fast"] == 0
    # ...and it found exactly what the other path found.
    assert shown == reference
    assert b"Story " in shown


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "auto"), ("", "auto"), ("auto", "auto"), ("ON", "on"), (" off ", "off"),
     (True, "on"), (False, "off"), ("1", "on"), ("0", "off")],
)
def test_the_setting_reads_auto_on_and_off(settings, value, expected):
    settings.PREPARED_QUERIES = value
    assert prepared.mode() == expected


def test_a_misspelt_setting_is_refused_by_name(settings):
    settings.PREPARED_QUERIES = "sometimes"
    with pytest.raises(ImproperlyConfigured, match="PREPARED_QUERIES.*auto, on, off.*sometimes"):
        prepared.mode()


def test_an_unverified_django_selects_the_plain_orm_and_says_so_once(client, settings, monkeypatch, newsroom,
                                                                      path_taken, caplog):
    settings.PUBLIC_CACHE_SECONDS = 0
    settings.PREPARED_QUERIES = "auto"
    assert prepared.fast_path_enabled()  # the Django under test is a verified one
    monkeypatch.setattr(prepared, "_warned", set())
    monkeypatch.setattr(django, "VERSION", (9, 1, 0, "final", 0))

    with caplog.at_level(logging.WARNING, logger="newsroom.prepared"):
        assert not prepared.fast_path_enabled()
        first = client.get(newsroom[10].get_absolute_url())
        client.get("/")

    assert first.status_code == 200 and b"Story 10" in first.content
    assert path_taken["fast"] == 0 and path_taken["plain"] > 0
    warnings = [record.getMessage() for record in caplog.records if record.name == "newsroom.prepared"]
    assert len(warnings) == 1
    assert "Django 9.1" in warnings[0] and "plain fallback" in warnings[0]


def test_on_forces_the_fast_path_even_on_an_unverified_django(settings, monkeypatch):
    monkeypatch.setattr(django, "VERSION", (9, 1, 0, "final", 0))
    settings.PREPARED_QUERIES = "on"
    assert prepared.fast_path_enabled()
    settings.PREPARED_QUERIES = "off"
    monkeypatch.setattr(django, "VERSION", (5, 2, 0, "final", 0))
    assert not prepared.fast_path_enabled()


@pytest.mark.parametrize(("version", "release"), [("3.3.9", (3, 3)), ("3.4.0b1", (3, 4)), ("4.0.dev0", (4, 0)),
                                                  ("garbage", (0, 0))])
def test_psycopg_versions_are_read_as_major_minor(version, release):
    assert bulk.psycopg_release(version) == release


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_an_unverified_psycopg_selects_inserts_unless_forced(settings, monkeypatch, caplog):
    import psycopg

    settings.PREPARED_QUERIES = "auto"
    assert bulk.copy_supported(connection)
    monkeypatch.setattr(prepared, "_warned", set())
    monkeypatch.setattr(psycopg, "__version__", "3.9.0")

    with caplog.at_level(logging.WARNING, logger="newsroom.prepared"):
        assert not bulk.copy_supported(connection)
        assert not bulk.copy_supported(connection)
    assert [r.getMessage() for r in caplog.records if "psycopg 3.9" in r.getMessage()]
    assert len(caplog.records) == 1

    settings.PREPARED_QUERIES = "on"
    assert bulk.copy_supported(connection)
    settings.PREPARED_QUERIES = "off"
    monkeypatch.setattr(psycopg, "__version__", "3.3.0")
    assert not bulk.copy_supported(connection)


def test_sqlite_never_takes_the_copy_path(settings):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's rule")
    settings.PREPARED_QUERIES = "on"
    assert not bulk.copy_supported(connection)


# --- Older pages: the cursor is a datetime placeholder ------------------------------


def test_older_front_pages_give_the_orm_rows_for_any_cursor_and_left_out_articles(newsroom, settings):
    from articles.pagination import older_than
    from articles.queries import listed_articles
    from articles.views.front import older_front_page
    from stories.models import with_story

    settings.PREPARED_QUERIES = "on"
    # Two articles at the same instant: the id breaks the tie, on both paths.
    twin = newsroom[20]
    newsroom[21].__class__.objects.filter(pk=newsroom[21].pk).update(published_at=twin.published_at)
    left_out = {newsroom[30].pk, newsroom[18].pk, newsroom[12].pk}

    for cursor in (newsroom[40], newsroom[21], twin, newsroom[2], newsroom[0]):
        cursor.refresh_from_db()
        expected = list(
            older_than(with_story(listed_articles()), cursor.published_at, cursor.pk).exclude(pk__in=left_out)[:7]
        )
        found = older_front_page(cursor.published_at, cursor.pk, 7, left_out)
        assert [a.pk for a in found] == [a.pk for a in expected]
        assert [a.story_live_count for a in found] == [a.story_live_count for a in expected]


@pytest.mark.parametrize("example", [datetime(2024, 1, 1).date()])
def test_a_date_cannot_be_a_placeholder(example):
    with pytest.raises(TypeError, match="date"):
        prepared.PreparedQuerySet(lambda day: Image.objects.filter(article__published_at__date=day), example)
