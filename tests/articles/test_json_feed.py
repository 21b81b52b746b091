"""JSON Feed 1.1 for the site, each topic and each provider: valid, live-only, the same items as RSS."""

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article

from .pages import HOSTILE, HOSTILE_URL, assert_inert

pytestmark = pytest.mark.django_db


def json_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/feed+json; charset=utf-8"
    data = response.json()
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    # What version 1.1 requires: a title, and items each with a string id and content.
    assert isinstance(data["title"], str) and isinstance(data["items"], list)
    for item in data["items"]:
        assert isinstance(item["id"], str) and isinstance(item["content_html"], str)
        assert set(item) <= {"id", "url", "external_url", "title", "content_html", "summary",
                             "date_published", "date_modified", "authors", "tags"}
    return data


def test_site_feed_has_the_same_live_items_as_rss(client, make_article):
    make_article(title="Older", published_at=datetime(2024, 5, 1, tzinfo=UTC))
    newer = make_article(title="Newer", published_at=datetime(2024, 5, 2, tzinfo=UTC), topics=["Space"],
                         body="Launch **today**.")
    make_article(title="Draft", status=Article.Status.DRAFT)
    make_article(title="Killed", status=Article.Status.KILLED)
    make_article(title="Scheduled", go_live_at=timezone.now() + timedelta(hours=1))

    data = json_feed(client, "/json/")
    rss = feedparser.parse(client.get("/rss/").content)

    assert [item["title"] for item in data["items"]] == [entry.title for entry in rss.entries] == ["Newer", "Older"]
    item = data["items"][0]
    assert item["id"] == rss.entries[0].id == newer.tag_uri()
    assert item["url"] == f"http://testserver{newer.get_absolute_url()}"
    assert item["external_url"] == newer.web_url
    assert item["content_html"] == "<p>Launch <strong>today</strong>.</p>\n"
    assert item["summary"] == newer.excerpt
    assert item["tags"] == ["Space"]
    assert item["authors"] == [{"name": newer.provider.name}]
    assert item["date_published"].startswith("2024-05-02T00:00:00")
    assert data["feed_url"] == "http://testserver/json/"


def test_topic_and_provider_feeds_list_only_theirs(client, make_article, make_provider):
    provider = make_provider(name="KTLA", slug="ktla-com")
    make_article(title="On topic", topics=["Space"], provider=provider)
    make_article(title="Off topic", topics=["Sport"])
    make_article(title="Draft on topic", topics=["Space"], status=Article.Status.DRAFT, provider=provider)

    topic = json_feed(client, "/topics/space/json/")
    source = json_feed(client, "/providers/ktla-com/json/")

    assert [item["title"] for item in topic["items"]] == ["On topic"]
    assert [item["title"] for item in source["items"]] == ["On topic"]
    assert "Space" in topic["title"] and "KTLA" in source["title"]
    assert client.get("/topics/nothing/json/").status_code == 404


def test_hostile_text_stays_text_and_html_stays_inert(client, make_article, make_provider):
    article = make_article(
        title=HOSTILE, excerpt=HOSTILE, body=f"{HOSTILE}\n\n[x]({HOSTILE_URL})", topics=["News"],
        provider=make_provider(name=HOSTILE),
    )

    item = json_feed(client, "/json/")["items"][0]

    assert item["title"] == item["summary"] == HOSTILE
    assert item["authors"] == [{"name": HOSTILE}]
    assert_inert(item["content_html"])
    assert "<script" not in item["content_html"]
    assert item["url"].endswith(article.get_absolute_url())


def test_a_non_web_source_url_is_left_out(client, make_article):
    make_article(web_url="ftp://files.example/a")

    item = json_feed(client, "/json/")["items"][0]

    assert "external_url" not in item


@pytest.mark.parametrize("page, feed", [
    ("/", "/json/"), ("/topics/space/", "/topics/space/json/"), ("/providers/ktla-com/", "/providers/ktla-com/json/"),
])
def test_pages_announce_their_json_feed(client, make_article, make_provider, page, feed):
    make_article(topics=["Space"], provider=make_provider(slug="ktla-com"))

    html = client.get(page).content.decode()

    assert '<link rel="alternate" type="application/feed+json" title="JSON Feed' in html
    assert f'href="{feed}"' in html
