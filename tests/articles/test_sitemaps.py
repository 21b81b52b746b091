"""sitemap.xml (and its index), the Google News sitemap: valid, live-only, within the rules."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils import timezone
from lxml import etree

import articles.sitemaps
from articles.models import Article

from .pages import HOSTILE

pytestmark = pytest.mark.django_db

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "schemas" / "sitemap.xsd")))
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}


def valid_xml(response):
    """The response parsed as XML, after checking it against the sitemap schema."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    document = etree.fromstring(response.content)
    assert SCHEMA.validate(document), SCHEMA.error_log
    return document


def locations(document):
    return document.xpath("//s:loc/text()", namespaces=NS)


def test_sitemap_lists_live_articles_topics_providers_and_the_indexes(client, make_article):
    live = make_article(topics=["Space"])
    draft = make_article(status=Article.Status.DRAFT, topics=["Hidden"])
    expired = make_article(expire_at=timezone.now() - timedelta(minutes=1))
    urls = locations(valid_xml(client.get("/sitemap.xml")))
    assert f"http://testserver{live.get_absolute_url()}" in urls
    assert f"http://testserver{live.provider.get_absolute_url()}" in urls
    assert "http://testserver/topics/space/" in urls
    assert "http://testserver/" in urls and "http://testserver/topics/" in urls
    assert f"http://testserver{draft.get_absolute_url()}" not in urls
    assert f"http://testserver{expired.get_absolute_url()}" not in urls
    assert "http://testserver/topics/hidden/" not in urls
    assert f"http://testserver{draft.provider.get_absolute_url()}" not in urls


def test_sitemap_becomes_an_index_once_it_would_exceed_the_url_limit(client, make_article, monkeypatch):
    monkeypatch.setattr(articles.sitemaps, "MAX_URLS", 6)
    monkeypatch.setattr(articles.sitemaps.ArticleSitemap, "limit", 3)
    made = {f"http://testserver{make_article().get_absolute_url()}" for _ in range(7)}

    index = valid_xml(client.get("/sitemap.xml"))
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    parts = locations(index)
    article_parts = [url for url in parts if "sitemap-articles.xml" in url]
    assert article_parts == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-articles.xml?p=2",
        "http://testserver/sitemap-articles.xml?p=3",
    ]
    listed = set()
    for url in article_parts:
        listed |= set(locations(valid_xml(client.get(url.removeprefix("http://testserver")))))
    assert listed == made


def test_news_sitemap_has_only_the_last_two_days_with_publication_date_and_title(client, make_article):
    now = timezone.now()
    fresh = make_article(title="Fresh & new", published_at=now - timedelta(hours=47))
    stale = make_article(published_at=now - timedelta(hours=49))
    draft = make_article(published_at=now - timedelta(hours=1), status=Article.Status.DRAFT)
    document = valid_xml(client.get("/sitemap-news.xml"))
    urls = locations(document)
    assert urls == [f"http://testserver{fresh.get_absolute_url()}"]
    assert f"http://testserver{stale.get_absolute_url()}" not in urls
    assert f"http://testserver{draft.get_absolute_url()}" not in urls
    news = document.xpath("//news:news", namespaces=NS)[0]
    assert news.xpath("news:publication/news:name/text()", namespaces=NS) == ["Newsroom"]
    assert news.xpath("news:publication/news:language/text()", namespaces=NS) == ["en"]
    assert news.xpath("news:title/text()", namespaces=NS) == ["Fresh & new"]
    assert news.xpath("news:publication_date/text()", namespaces=NS) == [
        fresh.published_at.replace(microsecond=0).isoformat()
    ]


def test_news_sitemap_stops_at_1000_urls_newest_first(client, make_article, make_provider):
    now = timezone.now()
    provider = make_provider()
    Article.objects.bulk_create(
        Article(
            title=f"Story {n}", slug=f"story-{n}", web_url=f"https://example.com/bulk/{n}",
            published_at=now - timedelta(seconds=n), provider=provider,
            status=Article.Status.PUBLISHED,
        )
        for n in range(1005)
    )
    urls = locations(valid_xml(client.get("/sitemap-news.xml")))
    assert len(urls) == 1000
    assert urls[0].endswith("/articles/story-0/")
    assert urls[-1].endswith("/articles/story-999/")


def test_hostile_titles_and_control_characters_leave_the_sitemaps_valid(client, make_article):
    make_article(title=HOSTILE + "\x01\x0b", published_at=timezone.now(), topics=[HOSTILE[:50]])
    valid_xml(client.get("/sitemap.xml"))
    document = valid_xml(client.get("/sitemap-news.xml"))
    assert document.xpath("//news:title/text()", namespaces=NS) == [HOSTILE]
    assert b"<script" not in client.get("/sitemap-news.xml").content


def test_news_sitemap_stays_valid_after_two_quiet_days(client, make_article):
    make_article(published_at=timezone.now() - timedelta(days=3))
    document = valid_xml(client.get("/sitemap-news.xml"))
    assert locations(document) == ["http://testserver/"]
    assert not document.xpath("//news:news", namespaces=NS)


def test_sitemap_index_leaves_out_empty_sections(client, make_article, monkeypatch):
    monkeypatch.setattr(articles.sitemaps, "MAX_URLS", 2)
    monkeypatch.setattr(articles.sitemaps.ArticleSitemap, "limit", 1)
    for _ in range(2):
        make_article()  # no topics at all
    index = valid_xml(client.get("/sitemap.xml"))
    parts = locations(index)
    assert "http://testserver/sitemap-articles.xml" in parts
    assert not [url for url in parts if "sitemap-topics.xml" in url]
    for url in parts:
        valid_xml(client.get(url.removeprefix("http://testserver")))


def _stylesheet(response):
    """The XSL stylesheet the document names, as a compiled transform of our static file."""
    document = etree.fromstring(response.content)
    instruction = document.getprevious()
    assert isinstance(instruction, etree._XSLTProcessingInstruction), instruction
    assert instruction.get("href") == static("sitemap.xsl")
    path = finders.find("sitemap.xsl")
    return etree.XSLT(etree.parse(path)), document


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-news.xml", "/sitemap-articles.xml"])
def test_sitemaps_read_as_a_page_in_a_browser_and_stay_schema_valid(client, make_article, url):
    article = make_article(title="Seen & shown", published_at=timezone.now())
    response = client.get(url)
    valid_xml(response)
    transform, document = _stylesheet(response)
    page = str(transform(document.getroottree()))
    assert f"http://testserver{article.get_absolute_url()}" in page
    assert "<table" in page and "<script" not in page


def test_sitemap_index_reads_as_a_page_too(client, make_article, monkeypatch):
    monkeypatch.setattr(articles.sitemaps, "MAX_URLS", 1)
    make_article(topics=["Space"])
    make_article()
    response = client.get("/sitemap.xml")
    valid_xml(response)
    transform, document = _stylesheet(response)
    assert "http://testserver/sitemap-articles.xml" in str(transform(document.getroottree()))


def test_the_stylesheet_is_served_as_xml_so_browsers_apply_it(client, db):
    response = client.get(static("sitemap.xsl"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xsl")
    etree.XSLT(etree.fromstring(b"".join(response.streaming_content)))
