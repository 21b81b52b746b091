"""Parts every public page shares, built once rather than per request, still show what they must."""

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from articles.presenting import stories, story_list_html
from articles.queries import listed_articles

from .pages import HOSTILE, add_related

pytestmark = pytest.mark.django_db


def header_of(html):
    return html.split('<header class="site-header">')[1].split("</header>")[0]


def test_the_shared_header_carries_nothing_of_the_page_or_the_reader():
    fragment = Template("{% load news %}{% once %}[{{ request.user }}{{ heading }}]{% endonce %}")
    reader = Context({"request": RequestFactory().get("/"), "heading": "Secret draft"})
    assert fragment.render(reader) == "[]"
    assert fragment.render(Context({"heading": "Another page"})) == "[]"


def test_the_header_and_footer_follow_the_site_name(client, settings, make_article):
    make_article()
    settings.PUBLIC_CACHE_SECONDS = 0  # the page itself is rendered each time
    settings.SITE_NAME = "The Morning Desk"
    html = client.get("/").content.decode()
    assert '<a class="site-name" href="/">The Morning Desk</a>' in header_of(html)
    settings.SITE_NAME = "The Evening <Desk>"
    html = client.get("/").content.decode()
    assert '<a class="site-name" href="/">The Evening &lt;Desk&gt;</a>' in header_of(html)
    assert "<p>The Evening &lt;Desk&gt; collects news" in html


def test_the_header_links_every_section_on_every_kind_of_page(client, make_article):
    article = make_article()
    for url in ("/", article.get_absolute_url(), "/topics/", "/no/such/page/"):
        nav = header_of(client.get(url).content.decode())
        assert re.findall(r'<li><a href="([^"]+)">', nav) == [
            "/", "/our-reporting/", "/stories/", "/topics/", "/providers/", "/archive/",
        ], url


def test_list_items_keep_hostile_text_as_text_and_a_heading_level_as_a_number(make_article):
    make_article(title=HOSTILE, excerpt=HOSTILE)
    html = story_list_html(stories(list(listed_articles())), '3"><script>')
    assert "<script>" not in html and "<img src=x" not in html
    assert '<h2 class="story__title">' in html  # not a number: the default level
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2  # title and excerpt


def test_related_coverage_without_outlet_or_date_shows_just_the_link(client, make_article):
    article = make_article()
    add_related(article, 1, title="Bare item", provider_name=None, published_at=None)
    related = client.get(article.get_absolute_url()).content.decode().split("Related coverage")[1]
    item = related.split("<li>")[1].split("</li>")[0]
    assert "Bare item</a>" in item
    assert 'class="meta"' not in item
