"""Public author pages: live articles only, cursor pages, feeds, JSON-LD Person, hostile input inert."""

import json
import re
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.caching import content_version
from articles.models import Article
from articles.views.base import PAGE_SIZE
from curation.banners import banners_for_pages
from tests.articles.pages import HOSTILE, HOSTILE_URL, assert_inert

pytestmark = pytest.mark.django_db


def titles(html):
    return re.findall(r'class="story__title"><a [^>]*>(.*?)</a>', html)


def test_the_author_page_lists_their_live_articles_newest_first(client, make_author, make_house_article):
    jane, sam = make_author(name="Jane Doe", slug="jane-doe", bio="Covers the harbour."), make_author()
    make_house_article(title="Older", authors=[jane], published_at=datetime(2024, 5, 1, tzinfo=UTC))
    make_house_article(title="Newer", authors=[sam, jane], published_at=datetime(2024, 5, 2, tzinfo=UTC))
    make_house_article(title="Sam alone", authors=[sam])
    make_house_article(title="Jane's draft", authors=[jane], status=Article.Status.DRAFT)

    response = client.get("/authors/jane-doe/")

    html = response.content.decode()
    assert response.status_code == 200
    assert titles(html) == ["Newer", "Older"]
    assert "<h1 dir=\"auto\">Jane Doe</h1>" in html and "Covers the harbour." in html
    assert '<link rel="alternate" type="application/rss+xml" title="RSS: Jane Doe" href="/authors/jane-doe/rss/">' in html
    assert '<link rel="alternate" type="application/atom+xml" title="Atom: Jane Doe" href="/authors/jane-doe/atom/">' in html


def test_an_author_without_a_live_article_has_no_page_yet(client, make_author, make_house_article):
    jane = make_author(slug="jane-doe")
    make_house_article(authors=[jane], status=Article.Status.DRAFT)

    assert client.get("/authors/jane-doe/").status_code == 404
    assert client.get("/authors/jane-doe/rss/").status_code == 404
    assert client.get("/authors/nobody/").status_code == 404


def test_the_author_page_pages_by_cursor_without_repeats(client, make_author, make_house_article):
    jane = make_author(slug="jane-doe")
    start = datetime(2024, 5, 1, tzinfo=UTC)
    for n in range(PAGE_SIZE + 5):
        make_house_article(title=f"Story {n:02d}", authors=[jane], published_at=start + timedelta(hours=n))

    first = client.get("/authors/jane-doe/").content.decode()
    older = re.search(r'rel="next" href="\?(before=[^"]+)"', first).group(1)
    second = client.get(f"/authors/jane-doe/?{older}").content.decode()

    seen = titles(first) + titles(second)
    assert len(titles(first)) == PAGE_SIZE
    assert seen == [f"Story {n:02d}" for n in reversed(range(PAGE_SIZE + 5))]


def test_the_author_page_runs_the_same_queries_for_one_article_or_a_full_page(
    client, make_author, make_house_article
):
    def count(slug):
        content_version()
        banners_for_pages()  # read once per content version, whichever page comes first
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/authors/{slug}/").status_code == 200
        return len(queries)

    one, many = make_author(slug="one"), make_author(slug="many")
    co = make_author()
    make_house_article(authors=[one, co])
    for _ in range(PAGE_SIZE):
        make_house_article(authors=[many, co])

    assert count("many") == count("one")


def test_feeds_list_the_authors_live_articles(client, make_author, make_house_article):
    jane = make_author(name="Jane Doe", slug="jane-doe")
    make_house_article(title="Hers", authors=[jane])
    make_house_article(title="Not hers")
    make_house_article(title="Her draft", authors=[jane], status=Article.Status.DRAFT)

    for url, version in (("/authors/jane-doe/rss/", "rss20"), ("/authors/jane-doe/atom/", "atom10")):
        feed = feedparser.parse(client.get(url).content)
        assert not feed.bozo and feed.version == version
        assert [entry.title for entry in feed.entries] == ["Hers"]
        assert feed.entries[0].author == "Jane Doe"


def test_hostile_names_bios_and_links_stay_inert(client, make_author, make_house_article):
    evil = make_author(
        name=HOSTILE, slug="evil", bio=HOSTILE,
        links=[HOSTILE_URL, "https://example.org/me", "data:text/html,x"],
    )
    article = make_house_article(title="Signed", authors=[evil])

    for url in ("/authors/evil/", article.get_absolute_url(), "/", "/our-reporting/"):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html, url
        assert_inert(html)
    page = client.get("/authors/evil/").content.decode()
    assert 'href="https://example.org/me"' in page
    assert 'href="javascript' not in page and 'href="data:' not in page
    feed = feedparser.parse(client.get("/authors/evil/rss/").content)
    assert not feed.bozo
    person = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert person["@type"] == "Person" and person["name"] == HOSTILE
    assert person["sameAs"] == ["https://example.org/me"]
    assert "</script>" not in re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)


def test_a_photo_is_shown_from_our_storage(client, make_author, make_house_article, settings, tmp_path):
    from django.core.files.base import ContentFile

    from tests.authors.images import png_bytes

    settings.MEDIA_ROOT = tmp_path
    jane = make_author(slug="jane-doe")
    jane.photo.save("jane.png", ContentFile(png_bytes()))
    make_house_article(authors=[jane])

    html = client.get("/authors/jane-doe/").content.decode()

    assert f'src="{jane.photo.url}"' in html
