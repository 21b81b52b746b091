"""Whatever is stored, the API answers 200 with it as data: text as text, only http(s) URLs."""

import json

import pytest

from articles.models import Image, Related
from authors.models import Author, Byline
from tests.articles.pages import HOSTILE, HOSTILE_URL

pytestmark = pytest.mark.django_db


def urls_in(value):
    """Every string under a key ending in ``url`` (or a srcset) anywhere in ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and (key.endswith("url") or key in ("url", "jpeg", "webp")):
                yield item
            else:
                yield from urls_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from urls_in(item)


@pytest.fixture
def hostile_article(make_article, make_provider, make_house_article):
    provider = make_provider(name=HOSTILE)
    article = make_article(
        provider=provider, title=HOSTILE, excerpt=HOSTILE, category=HOSTILE, body=f"{HOSTILE}\n\n[x]({HOSTILE_URL})",
        editor_note=HOSTILE, amp_url=HOSTILE_URL, source_authors={"not": "a list"}, topics=["Safe topic"],
    )
    Image.objects.create(article=article, position=0, url="https://img.example.com/a.jpg", title=HOSTILE,
                         alt=HOSTILE, attribution=HOSTILE, renditions="not a list")
    Image.objects.create(article=article, position=1, url=HOSTILE_URL, title=HOSTILE)
    Image.objects.create(article=article, position=2, url="https://img.example.com/b.jpg", renditions=[
        "junk", {"width": "wide", "name": "x.jpg", "format": "jpeg"}, {"width": 10, "height": 10},
        {"width": 320, "height": 200, "format": "gif", "name": "x.gif"},
    ])
    Related.objects.create(article=article, position=0, title=HOSTILE, web_url=HOSTILE_URL, provider_name=HOSTILE)
    house = make_house_article(title=HOSTILE)
    author = Author.objects.create(name=HOSTILE, slug="hostile", bio=HOSTILE, links=[HOSTILE_URL, 7, "https://ok.example/"])
    Byline.objects.create(article=house, author=author, position=0)
    return article


def test_hostile_text_comes_out_as_the_same_text(client, hostile_article):
    data = client.get(f"/api/v1/articles/{hostile_article.slug}/").json()

    assert data["title"] == data["excerpt"] == data["category"] == HOSTILE
    assert data["provider"]["name"] == HOSTILE
    assert data["images"][0]["caption"] == data["images"][0]["credit"] == data["images"][0]["alt"] == HOSTILE
    assert data["related"][0]["title"] == HOSTILE
    assert data["authors"] == []


def test_only_web_addresses_reach_url_fields(client, hostile_article):
    data = client.get(f"/api/v1/articles/{hostile_article.slug}/").json()
    authors = client.get("/api/v1/authors/").json()["results"]

    urls = list(urls_in(data)) + list(urls_in(authors))
    assert urls and all(url.startswith(("http://", "https://")) for url in urls if url)
    assert data["amp_url"] is None
    assert [image["url"] for image in data["images"]] == ["https://img.example.com/a.jpg", "https://img.example.com/b.jpg"]
    assert [image["renditions"] for image in data["images"]] == [[], []]
    assert data["related"][0]["url"] is None
    assert authors[0]["links"] == ["https://ok.example/"]


def test_html_fields_are_the_pages_sanitised_html(client, make_article):
    from tests.articles.pages import assert_inert

    article = make_article(body=f"{HOSTILE}\n\n[x]({HOSTILE_URL}) <img src=x onerror=alert(1)>", editor_note=HOSTILE)

    data = client.get(f"/api/v1/articles/{article.slug}/").json()
    page = client.get(f"/articles/{article.slug}/").content.decode()

    for html in (data["body_html"], data["editor_note_html"]):
        assert_inert(html)
        assert "<script" not in html
        # Exactly what the article page shows.
        assert html.strip() in page


def test_every_list_survives_hostile_rows(client, hostile_article):
    for path in ("/api/v1/articles/", "/api/v1/topics/", "/api/v1/providers/", "/api/v1/authors/",
                 "/api/v1/stories/", "/api/v1/articles/?q=%22%3Cscript%3E", "/api/v1/articles/?category=%00"):
        response = client.get(path)
        assert response.status_code == 200, path
        json.loads(response.content)
