"""What a CDN in front is told: public pages say how long a shared cache may keep them and what
they show (surrogate keys); anything personal says nothing of the kind."""

import re

import pytest
from django.contrib.auth.models import Permission

from articles.models import Topic
from cdn import keys

TOKEN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@pytest.fixture
def cdn_on(settings):
    """A deployment with a CDN in front: a day in the shared cache, purged on change."""
    settings.CDN_S_MAXAGE = 86400
    settings.CDN_STALE_WHILE_REVALIDATE = 30
    settings.CDN_STALE_IF_ERROR = 600
    return settings


def directives(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


def surrogate_keys(response):
    found = response["Surrogate-Key"].split(" ")
    assert response["Cache-Tag"].split(",") == found, "Cloudflare's and Fastly's headers disagree"
    return set(found)


def test_an_article_page_may_be_kept_by_a_shared_cache_and_names_what_it_shows(client, make_article, cdn_on):
    article = make_article(topics=["Harbours"])
    topic = Topic.objects.get(name="Harbours")

    response = client.get(article.get_absolute_url())

    assert {"public", "max-age=0", "s-maxage=86400", "stale-while-revalidate=30",
            "stale-if-error=600"} <= directives(response)
    assert "must-revalidate" not in directives(response)
    assert surrogate_keys(response) == {
        f"article-{article.pk}", f"topic-{topic.pk}", f"provider-{article.provider_id}", "site",
    }


def test_the_api_answer_for_an_article_is_filed_like_its_page(client, make_article, cdn_on):
    """A publisher's change to the article purges the API's copy of it as well as the page."""
    article = make_article(topics=["Harbours"])

    page = client.get(article.get_absolute_url())
    api = client.get(f"/api/v1/articles/{article.slug}/", HTTP_ACCEPT="application/json")

    assert api.status_code == 200
    assert f"article-{article.pk}" in surrogate_keys(api)
    assert surrogate_keys(page) <= surrogate_keys(api)


def test_a_page_served_from_the_page_cache_names_the_same_keys(client, make_article, cdn_on):
    article = make_article(topics=["Harbours"])
    first = surrogate_keys(client.get(article.get_absolute_url()))
    again = client.get(article.get_absolute_url())
    assert surrogate_keys(again) == first and "s-maxage=86400" in directives(again)


def test_lists_name_their_own_list_keys(client, make_article, cdn_on):
    article = make_article(topics=["Harbours"])
    topic = Topic.objects.get(name="Harbours")
    provider = article.provider

    assert surrogate_keys(client.get("/topics/harbours/")) == {
        f"topic-{topic.pk}", keys.topic_list("harbours"), "site"}
    assert surrogate_keys(client.get("/topics/harbours/rss/")) == {
        f"topic-{topic.pk}", keys.topic_list("harbours"), "site"}
    assert surrogate_keys(client.get(provider.get_absolute_url())) == {
        f"provider-{provider.pk}", keys.provider_list(provider.slug), "site"}
    assert surrogate_keys(client.get("/")) == {"front", "lists", "site"}
    assert surrogate_keys(client.get("/rss/")) == {"feeds", "lists", "site"}
    assert surrogate_keys(client.get("/sitemap.xml")) == {"sitemap", "lists", "site"}
    assert surrogate_keys(client.get("/archive/")) == {"lists", "site"}


def test_without_a_cdn_pages_still_revalidate_and_no_shared_cache_keeps_them(client, make_article):
    article = make_article()
    response = client.get(article.get_absolute_url())
    assert {"public", "max-age=0", "s-maxage=0", "must-revalidate"} <= directives(response)
    assert "stale-while-revalidate" not in response["Cache-Control"]


def test_signed_in_and_staff_pages_carry_no_shared_cache_headers(client, make_article, django_user_model, cdn_on):
    article = make_article()
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(user)

    response = client.get(article.get_absolute_url())

    assert "private" in directives(response) and "s-maxage" not in response["Cache-Control"]
    assert "Surrogate-Key" not in response and "Cache-Tag" not in response


def test_a_topic_with_nothing_live_yet_is_a_404_kept_under_its_list_key(client, make_article, cdn_on):
    """Its first article's publish purges that key, so a CDN may keep the 404 until then."""
    make_article(topics=["Lighthouses"], status="draft")
    for path in ("/topics/lighthouses/", "/topics/lighthouses/rss/", "/topics/never-heard-of/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "s-maxage=86400" in response["Cache-Control"], path
        assert surrogate_keys(response) == {keys.topic_list(path.split("/")[2]), "site"}, path


def test_a_missing_page_is_not_kept_by_a_shared_cache(client, make_article, cdn_on):
    response = client.get("/articles/no-such-thing/")
    assert response.status_code == 404
    assert "s-maxage=86400" not in response.get("Cache-Control", "")
    assert "Surrogate-Key" not in response


def test_a_killed_articles_gone_page_is_kept_under_the_articles_key(client, make_article, cdn_on):
    killed = make_article(status="killed")
    response = client.get(killed.get_absolute_url())
    assert response.status_code == 410 and "s-maxage=86400" in response["Cache-Control"]
    assert surrogate_keys(response) == {f"article-{killed.pk}", "site"}


HOSTILE = ["two words", "comma, separated", "line\nbreak", "tab\there", "Überschwemmung", "日本の港",
           "<script>alert(1)</script>", "quote\"d", "semi;colon", "-leading-dash"]


def test_hostile_topic_names_never_reach_the_headers(client, make_article, cdn_on):
    article = make_article(topics=HOSTILE)
    pages = [article.get_absolute_url(), *(t.get_absolute_url() for t in Topic.objects.all())]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert all(TOKEN.match(name) for name in surrogate_keys(response)), response["Surrogate-Key"]
    assert len([k for k in surrogate_keys(client.get(article.get_absolute_url())) if k.startswith("topic-")]) == len(
        HOSTILE)


@pytest.mark.parametrize("text", HOSTILE + ["", "x" * 5000])
def test_any_text_becomes_a_safe_key(text):
    made = keys.key("category", text)
    assert TOKEN.match(made) and made == keys.key("category", text) and len(made) < 40


def test_keys_of_different_texts_differ():
    assert keys.key("category", "a b") != keys.key("category", "a,b")


def test_a_revalidation_renews_the_shared_copy(client, make_article, cdn_on):
    """A CDN asking "still the same?" gets a 304 that lets it keep the page another day."""
    article = make_article()
    etag = client.get(article.get_absolute_url())["ETag"]
    response = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 304
    assert "s-maxage=86400" in response["Cache-Control"]


def test_a_page_cached_without_keys_is_not_offered_to_shared_caches(client, make_article, cdn_on, monkeypatch):
    """Nothing could purge it: a page the page cache kept from before keys existed stays revalidated."""
    from articles import caching

    article = make_article()
    monkeypatch.setattr(caching, "_REPLAYED_HEADERS", ("Content-Type",))
    client.get(article.get_absolute_url())  # stored without its keys
    replayed = client.get(article.get_absolute_url())
    assert "Surrogate-Key" not in replayed and "s-maxage=86400" not in replayed["Cache-Control"]
