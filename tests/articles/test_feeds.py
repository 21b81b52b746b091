"""RSS and Atom feeds for the site, each topic and each provider: valid, live-only, inert."""

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article

from .pages import HOSTILE, assert_inert, tags_in

pytestmark = pytest.mark.django_db

FEEDS = {"rss": ("/rss/", "rss20"), "atom": ("/atom/", "atom10")}


def parse(client, url, version):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == version
    return feed


@pytest.mark.parametrize("kind", FEEDS)
def test_site_feed_lists_only_live_articles_newest_first(client, make_article, kind):
    url, version = FEEDS[kind]
    older = make_article(title="Older", published_at=datetime(2024, 5, 1, tzinfo=UTC))
    newer = make_article(title="Newer", published_at=datetime(2024, 5, 2, tzinfo=UTC), topics=["Space"])
    make_article(title="Draft", status=Article.Status.DRAFT)
    make_article(title="Killed", status=Article.Status.KILLED)
    make_article(title="Scheduled", go_live_at=timezone.now() + timedelta(hours=1))
    feed = parse(client, url, version)
    assert [entry.title for entry in feed.entries] == ["Newer", "Older"]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver{newer.get_absolute_url()}"
    assert entry.author == newer.provider.name
    assert [tag.term for tag in entry.tags] == ["Space"]
    assert entry.published_parsed[:3] == (2024, 5, 2)
    assert older.excerpt in feed.entries[1].summary


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_topic_feed_lists_live_articles_of_the_topic(client, make_article, kind):
    make_article(title="On topic", topics=["Space"])
    make_article(title="Off topic", topics=["Sport"])
    make_article(title="Draft on topic", topics=["Space"], status=Article.Status.DRAFT)
    feed = parse(client, f"/topics/space/{kind}/", FEEDS[kind][1])
    assert [entry.title for entry in feed.entries] == ["On topic"]
    assert "Space" in feed.feed.title


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_provider_feed_lists_live_articles_of_the_provider(client, make_article, make_provider, kind):
    provider = make_provider(name="KTLA", slug="ktla-com")
    make_article(title="Ours", provider=provider)
    make_article(title="Theirs")
    feed = parse(client, f"/providers/ktla-com/{kind}/", FEEDS[kind][1])
    assert [entry.title for entry in feed.entries] == ["Ours"]


def test_feeds_of_unknown_topics_and_providers_are_404(client, db):
    assert client.get("/topics/nothing/rss/").status_code == 404
    assert client.get("/providers/nothing/atom/").status_code == 404


@pytest.mark.parametrize("kind", FEEDS)
def test_hostile_text_reaches_feed_readers_as_text(client, make_article, kind):
    url, version = FEEDS[kind]
    make_article(title=HOSTILE + "\x01", excerpt=HOSTILE, topics=["<b>bold</b>"])
    raw = client.get(url).content
    assert b"<script" not in raw and b"<img" not in raw
    entry = parse(client, url, version).entries[0]
    # Titles arrive as plain text (shown as characters) or as HTML with no live tags.
    if entry.title_detail.type == "text/plain":
        assert entry.title == HOSTILE
    else:
        assert_inert(entry.title, allow_script_types=())
        assert "alert(1)" in entry.title
    assert entry.summary_detail.type == "text/html"
    assert_inert(entry.summary, allow_script_types=())
    assert [tag.term for tag in entry.tags] == ["<b>bold</b>"]


def test_every_article_page_links_its_feeds(client, make_article):
    html = client.get(make_article().get_absolute_url()).content.decode()
    assert '<link rel="alternate" type="application/rss+xml" title="RSS: Latest news" href="/rss/">' in html
    assert '<link rel="alternate" type="application/atom+xml" title="Atom: Latest news" href="/atom/">' in html


@pytest.mark.parametrize("kind", FEEDS)
def test_entry_ids_are_absolute_and_survive_a_slug_change(client, make_article, settings, kind):
    """Feed readers key entries by id: a relative or slug-based one shows an article twice."""
    settings.SITE_DOMAIN = "news.example.com"
    url, version = FEEDS[kind]
    article = make_article()
    before = parse(client, url, version).entries[0].id
    assert before.startswith("tag:news.example.com,"), before
    article.slug = "renamed-by-an-editor"
    article.save()
    after = parse(client, url, version).entries[0]
    assert after.id == before
    assert after.link == "http://testserver/articles/renamed-by-an-editor/"


def test_rss_guid_is_not_claimed_as_a_permalink(client, make_article):
    make_article()
    assert b'<guid isPermaLink="false">tag:' in client.get("/rss/").content


def alternates(html):
    return {attrs["href"]: attrs["type"] for tag, attrs in tags_in(html) if tag == "link" and attrs.get("rel") == "alternate"}


def test_every_html_page_lets_readers_discover_the_site_feeds(client, make_article):
    article = make_article(topics=["Space"], category="science")
    pages = [
        "/", article.get_absolute_url(), "/topics/", "/topics/space/", "/providers/",
        article.provider.get_absolute_url(), "/categories/science/", "/archive/", "/archive/2024/",
        "/archive/2024/05/", "/search/?q=headline", "/stories/", "/no/such/page/",
    ]
    for url in pages:
        found = alternates(client.get(url).content.decode())
        assert found.get("/rss/") == "application/rss+xml", url
        assert found.get("/atom/") == "application/atom+xml", url


def test_topic_and_provider_pages_also_announce_their_own_feeds(client, make_article, make_provider):
    provider = make_provider(slug="ktla-com")
    make_article(provider=provider, topics=["Space"])
    topic = alternates(client.get("/topics/space/").content.decode())
    assert {"/topics/space/rss/", "/topics/space/atom/", "/rss/", "/atom/"} <= set(topic)
    source = alternates(client.get("/providers/ktla-com/").content.decode())
    assert {"/providers/ktla-com/rss/", "/providers/ktla-com/atom/", "/rss/", "/atom/"} <= set(source)
