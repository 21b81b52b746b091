"""House articles on the public site: no provider, the site as publisher, bylines linking to our authors."""

import json
import re
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.urls import reverse

from articles.models import Article
from tests.articles.pages import assert_inert

pytestmark = pytest.mark.django_db


def headlines(response):
    found = re.findall(r'class="story__title"><a [^>]*>(.*?)</a>', response.content.decode())
    return sorted(re.sub(r"</?mark>", "", headline) for headline in found)


def json_ld(html):
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_a_house_article_page_shows_the_byline_and_no_read_at_button(client, make_house_article, make_author, settings):
    settings.SITE_NAME = "The Daily Desk"
    jane, sam = make_author(name="Jane Doe", slug="jane-doe"), make_author(name="Sam Roe", slug="sam-roe")
    article = make_house_article(authors=[jane, sam], body="Our **own** reporting.")

    response = client.get(article.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Read at" not in html
    assert "<strong>own</strong>" in html
    byline = re.search(r'<p class="byline">(.*?)</p>', html, re.S).group(1)
    assert byline.index(">Jane Doe<") < byline.index(">Sam Roe<")
    assert f'href="{jane.get_absolute_url()}"' in byline


def test_house_json_ld_names_the_site_as_publisher_and_our_authors_as_people(client, make_house_article, make_author, settings):
    settings.SITE_NAME = "The Daily Desk"
    jane = make_author(name="Jane Doe", slug="jane-doe")
    article = make_house_article(authors=[jane])

    data = json_ld(client.get(article.get_absolute_url()).content.decode())

    assert data["@type"] == "NewsArticle"
    assert data["publisher"] == {"@type": "Organization", "name": "The Daily Desk", "url": "http://testserver/"}
    assert data["author"] == [{"@type": "Person", "name": "Jane Doe", "url": "http://testserver/authors/jane-doe/"}]
    assert "isBasedOn" not in data


def test_a_house_article_without_authors_is_by_the_site(client, make_house_article, settings):
    settings.SITE_NAME = "The Daily Desk"
    article = make_house_article()

    html = client.get(article.get_absolute_url()).content.decode()

    assert "The Daily Desk" in re.search(r'<p class="byline">(.*?)</p>', html, re.S).group(1)
    assert json_ld(html)["author"][0]["name"] == "The Daily Desk"


def test_lists_feeds_sitemaps_and_search_cope_with_house_articles(client, make_house_article, make_article, make_author):
    jane = make_author(name="Jane Doe", slug="jane-doe")
    make_house_article(title="Our scoop", authors=[jane], topics=["Harbour"])
    make_article(title="Their story", topics=["Harbour"])
    topic = Article.objects.get(title="Our scoop").topics.get()

    for url in ["/", "/our-reporting/", topic.get_absolute_url(), "/rss/", "/atom/", "/sitemap.xml",
                "/sitemap-articles.xml", "/sitemap-authors.xml", "/sitemap-news.xml", "/search/?q=scoop",
                "/search/?house=on", "/search/", "/providers/", "/archive/2024/"]:
        response = client.get(url)
        assert response.status_code == 200, url

    front = client.get("/").content.decode()
    assert 'href="/authors/jane-doe/"' in front
    assert headlines(client.get("/search/?q=scoop")) == ["Our scoop"]


def test_feeds_name_our_authors_or_the_site(client, make_house_article, make_author, settings):
    settings.SITE_NAME = "The Daily Desk"
    jane = make_author(name="Jane Doe", slug="jane-doe")
    make_house_article(title="Bylined", authors=[jane], published_at=datetime(2024, 5, 2, tzinfo=UTC))
    make_house_article(title="Unsigned", published_at=datetime(2024, 5, 1, tzinfo=UTC))

    feed = feedparser.parse(client.get("/rss/").content)

    assert [(entry.title, entry.author) for entry in feed.entries] == [
        ("Bylined", "Jane Doe"), ("Unsigned", "The Daily Desk"),
    ]


def test_our_reporting_lists_only_house_articles(client, make_house_article, make_article):
    make_house_article(title="Ours")
    make_article(title="Theirs")
    make_house_article(title="Our draft", status=Article.Status.DRAFT)

    html = client.get(reverse("authors:house")).content.decode()

    assert "Ours" in html
    assert "Theirs" not in html
    assert "Our draft" not in html
    assert 'href="/our-reporting/"' in client.get("/").content.decode()


def test_search_filters_our_reporting(client, make_house_article, make_article):
    make_house_article(title="Harbour report ours")
    make_article(title="Harbour report theirs")

    assert headlines(client.get("/search/?q=harbour")) == ["Harbour report ours", "Harbour report theirs"]
    assert headlines(client.get("/search/?q=harbour&house=on")) == ["Harbour report ours"]
    assert headlines(client.get("/search/?house=on")) == ["Harbour report ours"]


def test_a_story_with_a_house_article_lists_the_site_as_an_outlet(client, make_house_article, make_article, settings):
    from articles.models import Related
    from stories.building import build_stories
    from stories.models import Membership

    settings.SITE_NAME = "The Daily Desk"
    ours = make_house_article(title="Ours on the fire")
    theirs = make_article(title="Theirs on the fire", published_at=ours.published_at + timedelta(hours=1))
    Related.objects.create(article=theirs, position=0, title=ours.title, web_url="https://x.example/", target=ours)
    build_stories()
    story = Membership.objects.get(article=ours).story

    response = client.get(story.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 reports from 2 outlets" in html
    assert 'href="/our-reporting/"' in html and "The Daily Desk" in html


def test_imported_articles_show_the_outlets_named_writers_unlinked(client, make_article):
    article = make_article(title="Bylined import", source_authors=["Ann <b>Writer</b>", "javascript:alert(1)"])

    html = client.get(article.get_absolute_url()).content.decode()
    byline = re.search(r'<p class="byline">(.*?)</p>', html, re.S).group(1)

    assert "By " in byline and "Ann &lt;b&gt;Writer&lt;/b&gt;" in byline
    assert article.provider.name in byline and "Read at" in html
    assert 'href="javascript' not in html
    assert_inert(html)
    assert json_ld(html)["author"] == [
        {"@type": "Person", "name": "Ann <b>Writer</b>"}, {"@type": "Person", "name": "javascript:alert(1)"},
    ]
