"""The article endpoints as a client uses them: lists, filters, fields, cursors, detail."""

import base64
from datetime import UTC, datetime, timedelta

import pytest

from articles.models import Article, Image
from stories.models import Membership, Story
from tests.articles.pages import add_corrections, add_images, add_related

from .conftest import api_ids

pytestmark = pytest.mark.django_db


def at(day, hour=10):
    return datetime(2024, 5, day, hour, 0, tzinfo=UTC)


def test_a_list_comes_newest_first_and_pages_by_cursor_both_ways(client, make_article):
    articles = [make_article(published_at=at(1 + n)) for n in range(5)]
    # Two on the same second: the id breaks the tie, as on the site's lists.
    twin = make_article(published_at=at(5))
    newest_first = [twin.pk, *[a.pk for a in reversed(articles)]]

    first = client.get("/api/v1/articles/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    back = client.get(third["previous"]).json()

    assert first["previous"] is None
    assert [item["id"] for page in (first, second, third) for item in page["results"]] == newest_first
    assert third["next"] is None
    assert [item["id"] for item in back["results"]] == [item["id"] for item in second["results"]]


def test_a_list_item_carries_what_the_list_pages_show(client, make_article, make_house_article):
    article = make_article(
        title="Storm closes port", category="Weather", topics=["Storms", "Shipping"], published_at=at(3)
    )
    add_images(article, 2)

    item = client.get("/api/v1/articles/", {"origin": "imported"}).json()["results"][0]

    assert item["id"] == article.pk
    assert item["title"] == "Storm closes port"
    assert item["url"] == f"http://testserver/articles/{article.slug}/"
    assert item["api_url"].startswith("http://testserver/api/v1/articles/")
    assert item["published_at"] == "2024-05-03T10:00:00Z"
    assert item["origin"] == "imported"
    assert item["provider"]["slug"] == article.provider.slug
    assert sorted(topic["name"] for topic in item["topics"]) == ["Shipping", "Storms"]
    assert item["image"]["url"] == f"https://img.example.com/{article.pk}/0.jpg"
    assert client.get(item["api_url"]).json()["id"] == article.pk


@pytest.mark.parametrize("params, expected", [
    ({"topic": "storms"}, {"storm"}),
    ({"provider": "outlet-a"}, {"storm", "port"}),
    ({"category": "Weather"}, {"storm"}),
    ({"since": "2024-05-02"}, {"port", "ours"}),
    ({"until": "2024-05-02"}, {"storm", "port"}),
    ({"since": "2024-05-02T12:00:00Z", "until": "2024-05-03T12:00:00+00:00"}, {"ours"}),
    ({"origin": "house"}, {"ours"}),
    ({"origin": "imported"}, {"storm", "port"}),
    ({"story": "harbour-story-1"}, {"storm", "ours"}),
    ({"q": "cranes"}, {"port"}),
    ({"q": "cranes", "origin": "house"}, set()),
])
def test_filters_narrow_the_list(client, make_article, make_provider, make_house_article, params, expected):
    outlet = make_provider(slug="outlet-a")
    named = {
        "storm": make_article(provider=outlet, title="Storm warning", category="Weather",
                              topics=["Storms"], published_at=at(1)),
        "port": make_article(provider=outlet, title="Harbour cranes idle", published_at=at(2, 9)),
        "ours": make_house_article(title="Our report", published_at=at(3)),
    }
    story = Story.objects.create(title="Storm warning", slug="harbour-story-1")
    for key in ("storm", "ours"):
        Membership.objects.create(article=named[key], story=story)
    by_id = {article.pk: key for key, article in named.items()}

    assert {by_id[pk] for pk in api_ids(client, **params)} == expected


@pytest.mark.parametrize("params, parameter", [
    ({"since": "yesterday"}, "since"),
    ({"until": "2024-13-45"}, "until"),
    ({"since": "2024-05-03", "until": "2024-05-01"}, "until"),
    ({"origin": "elsewhere"}, "origin"),
    ({"fields": "title,password"}, "fields"),
    ({"topic": "x" * 1001}, "topic"),
])
def test_bad_parameters_are_a_400_naming_them(client, make_article, params, parameter):
    make_article()

    response = client.get("/api/v1/articles/", params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["parameter"] == parameter
    assert parameter in error["message"]


def test_fields_chooses_what_each_item_carries(client, make_article):
    make_article(title="Only this")

    item = client.get("/api/v1/articles/", {"fields": "id, title"}).json()["results"][0]

    assert set(item) == {"id", "title"}
    assert item["title"] == "Only this"


@pytest.mark.parametrize("path, cursor", [
    ("/api/v1/articles/", "not-a-cursor"),
    # Well-formed cursors whose position is no date, or holds a NUL: forged, never a 500.
    ("/api/v1/articles/", base64.b64encode(b"p=yesterday").decode()),
    ("/api/v1/articles/", base64.b64encode(b"p=2024-99-01 10:00:00").decode()),
    ("/api/v1/topics/", base64.b64encode(b"p=a\x00b").decode()),
    ("/api/v1/stories/", base64.b64encode(b"r=1&p=%00").decode()),
])
def test_an_unreadable_cursor_is_a_json_404(client, make_article, path, cursor):
    make_article(topics=["Rail"])

    response = client.get(path, {"cursor": cursor})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_detail_has_pictures_with_renditions_related_coverage_story_and_corrections(
    client, make_article, settings
):
    settings.MEDIA_URL = "/media/"
    article = make_article(title="Bridge reopens", body="The **bridge** is open.\n\n<script>alert(1)</script>")
    other = make_article(title="Bridge reopens, says city")
    story = Story.objects.create(title="Bridge reopens", slug="bridge-reopens-1")
    for member in (article, other):
        Membership.objects.create(article=member, story=story)
    lead, second = add_images(article, 2)
    lead.renditions = [
        {"width": 640, "height": 360, "format": "jpeg", "name": "cache/ab/640.jpg"},
        {"width": 320, "height": 180, "format": "jpeg", "name": "cache/ab/320.jpg"},
        {"width": 320, "height": 180, "format": "webp", "name": "cache/ab/320.webp"},
    ]
    lead.save()
    add_related(article, 1, target=other)
    add_related(article, 1, start=1)
    add_corrections(article, 1, note="The bridge opened on Tuesday, not Monday.")
    Article.objects.filter(pk=article.pk).update(modified_at=article.published_at + timedelta(days=1))

    data = client.get(f"/api/v1/articles/{article.slug}/").json()

    image = data["images"][0]
    assert [(r["format"], r["width"]) for r in image["renditions"]] == [("jpeg", 320), ("jpeg", 640), ("webp", 320)]
    assert image["srcset"]["jpeg"] == (
        "http://testserver/media/cache/ab/320.jpg 320w, http://testserver/media/cache/ab/640.jpg 640w"
    )
    assert image["srcset"]["webp"] == "http://testserver/media/cache/ab/320.webp 320w"
    assert data["image"] == image
    assert len(data["images"]) == 2
    assert data["related"][0]["url"] == f"http://testserver/articles/{other.slug}/"
    # Coverage we do not carry links to the outlet's own page.
    assert data["related"][1]["url"] == data["related"][1]["external_url"] == f"https://other.example/{article.pk}/1"
    assert data["story"]["slug"] == "bridge-reopens-1" and data["story"]["article_count"] == 2
    assert data["corrections"][0]["note"] == "The bridge opened on Tuesday, not Monday."
    assert data["updated_at"] == "2024-05-02T10:00:00Z"
    assert "<strong>bridge</strong>" in data["body_html"]
    assert "<script" not in data["body_html"]


def test_stories_list_events_with_more_than_one_live_report(client, make_article, make_house_article):
    first = make_article(title="Dam breaks", published_at=at(1))
    second = make_house_article(title="Dam breaks: our report", published_at=at(2))
    alone = make_article(title="Only one report")
    story = Story.objects.create(title="Dam breaks", slug="dam-breaks-7")
    lonely = Story.objects.create(title="Only one report", slug="only-one-8")
    Membership.objects.create(article=first, story=story)
    Membership.objects.create(article=second, story=story)
    Membership.objects.create(article=alone, story=lonely)

    stories = client.get("/api/v1/stories/").json()["results"]
    detail = client.get("/api/v1/stories/dam-breaks-7/").json()

    assert [(s["slug"], s["title"], s["article_count"]) for s in stories] == [("dam-breaks-7", "Dam breaks", 2)]
    assert detail["latest_at"] == "2024-05-02T10:00:00Z"
    assert set(api_ids(client, story="dam-breaks-7")) == {first.pk, second.pk}
    assert client.get("/api/v1/stories/only-one-8/").status_code == 404


def test_a_picture_without_a_web_address_is_left_out(client, make_article):
    article = make_article()
    Image.objects.create(article=article, position=0, url="javascript:alert(1)")
    Image.objects.create(article=article, position=1, url="https://img.example.com/fine.jpg")

    data = client.get(f"/api/v1/articles/{article.slug}/").json()

    assert [image["url"] for image in data["images"]] == ["https://img.example.com/fine.jpg"]
