"""A big topic lists its own links newest first, by the copy of each article's date they carry.

Whatever writes an article's date or its topics (a save, a bulk update, the
importer, tagging later), the topic's list stays in date order, on every page.
"""

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import connection
from django.db.migrations import Migration

from articles.models import Article, ArticleQuerySet, TaggedArticle

START = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _big_topics(monkeypatch, settings):
    # Every topic here is "big": listed from its links by date, not from a list of ids.
    monkeypatch.setattr(ArticleQuerySet, "SMALL_TOPIC", 1)
    # Each request renders: a bulk update() sends no signal for the page cache to hear.
    settings.PUBLIC_CACHE_SECONDS = 0


def space_titles(client, query=""):
    html = client.get(f"/topics/space/{query}").content.decode()
    return re.findall(r"Space (?:day \d\d|corrected|tagged later|imported)", html), html


def move_by_save(article, when):
    article.published_at = when
    article.save()


def move_by_update(article, when):
    Article.objects.filter(pk=article.pk).update(published_at=when)


@pytest.mark.parametrize("move", [move_by_save, move_by_update], ids=["save", "queryset update"])
def test_an_article_whose_date_changes_moves_in_its_topics_list(client, make_article, move):
    days = [make_article(title=f"Space day {d:02}", topics=["Space", "Science"],
                         published_at=START + timedelta(days=d)) for d in range(3)]
    assert space_titles(client)[0] == ["Space day 02", "Space day 01", "Space day 00"]

    move(days[0], START + timedelta(days=5))

    assert space_titles(client)[0] == ["Space day 00", "Space day 02", "Space day 01"]
    science = client.get("/topics/science/").content.decode()
    assert re.findall(r"Space day \d\d", science) == ["Space day 00", "Space day 02", "Space day 01"]


def test_a_topic_added_later_lists_the_article_at_its_own_date(client, make_article):
    for d in (1, 3):
        make_article(title=f"Space day {d:02}", topics=["Space"], published_at=START + timedelta(days=d))
    later = make_article(title="Space tagged later", published_at=START + timedelta(days=2))

    later.topics.add("Space")

    assert space_titles(client)[0] == ["Space day 03", "Space tagged later", "Space day 01"]


def test_a_reimported_article_with_a_new_date_moves_in_its_topics_list(client, make_article, write_article):
    make_article(title="Space day 03", topics=["Space"], published_at=START + timedelta(days=3))
    path = write_article(title="Space imported", topics=["Space"], webUrl="https://example.com/news/moving",
                         publishedDateTime="2024-01-02T00:00:00Z")
    call_command("import_articles", str(path.parent), stdout=StringIO(), stderr=StringIO())
    assert space_titles(client)[0] == ["Space day 03", "Space imported"]

    write_article(path.name, title="Space imported", topics=["Space"], webUrl="https://example.com/news/moving",
                  publishedDateTime="2024-01-09T00:00:00Z")
    call_command("import_articles", str(path.parent), stdout=StringIO(), stderr=StringIO())

    assert space_titles(client)[0] == ["Space imported", "Space day 03"]


def test_older_pages_of_a_big_topic_follow_the_links_dates(client, make_article):
    # Two articles on the same second: the id breaks the tie, on every page, once each.
    for d in range(23):
        make_article(title=f"Space day {d:02}", topics=["Space"], published_at=START + timedelta(days=d // 2))
    first, html = space_titles(client)
    older = unescape(re.search(r'rel="next" href="\?([^"]+)"', html).group(1))
    second, html = space_titles(client, f"?{older}")
    newer = unescape(re.search(r'rel="prev" href="\?([^"]+)"', html).group(1))
    again, _ = space_titles(client, f"?{newer}")

    expected = [f"Space day {d:02}" for d in range(22, -1, -1)]
    assert first + second == expected
    assert again == first


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables to alter them")
@pytest.mark.django_db(transaction=True)
def test_a_migration_that_rebuilds_the_tables_keeps_the_links_dates(client, make_article):
    days = [make_article(title=f"Space day {d:02}", topics=["Space"], published_at=START + timedelta(days=d))
            for d in range(2)]
    plan = [(Migration("0999_alter", "articles"), False)]
    emit_pre_migrate_signal(0, False, "default", plan=plan)
    with connection.schema_editor() as editor:
        # What any AlterField does on SQLite: copy to a new table, drop the old.
        for model in (TaggedArticle, Article):
            editor._remake_table(model)
    # A migration's own write, with the triggers off: the links catch up afterwards.
    Article.objects.filter(pk=days[0].pk).update(published_at=START + timedelta(days=5))
    emit_post_migrate_signal(0, False, "default", plan=plan)

    assert space_titles(client)[0] == ["Space day 00", "Space day 01"]
    move_by_save(days[1], START + timedelta(days=9))
    assert space_titles(client)[0] == ["Space day 01", "Space day 00"]
