"""The API shows exactly what the site's pages show, in every workflow state.

Runs on the suite's database (SQLite); with DATABASE_URL pointing at
PostgreSQL it runs there too, unchanged.
"""

import re

import pytest

from .conftest import api_ids

pytestmark = pytest.mark.django_db


def site_article_slugs(client):
    """Slugs of the articles the front page links to (lead, top stories and list)."""
    html = client.get("/").content.decode()
    return set(re.findall(r'href="/articles/([^/"]+)/"', html))


def test_the_api_lists_the_articles_the_front_page_shows_in_every_state(client, articles_in_every_state):
    by_id = {article.pk: article for article in articles_in_every_state.values()}

    listed = api_ids(client)

    assert {by_id[pk].slug for pk in listed} == site_article_slugs(client)
    assert sorted(state for state, article in articles_in_every_state.items() if article.pk in listed) == [
        "live house", "live imported",
    ]


@pytest.mark.parametrize(
    "state", ["live imported", "live house", "draft", "in review", "scheduled", "embargoed",
              "expired", "unpublished", "archived", "killed"],
)
def test_an_article_detail_answers_like_its_page(client, articles_in_every_state, state):
    article = articles_in_every_state[state]

    page = client.get(f"/articles/{article.slug}/")
    api = client.get(f"/api/v1/articles/{article.slug}/")

    assert api.status_code == page.status_code
    if api.status_code == 200:
        assert api.json()["id"] == article.pk
    else:
        assert api.json()["error"]["code"] == ("gone" if state == "killed" else "not_found")


def test_topic_and_provider_lists_name_only_what_a_live_article_carries(client, make_article, articles_in_every_state):
    make_article(status="draft", topics=["Secret merger"])

    topics = {item["slug"] for item in client.get("/api/v1/topics/").json()["results"]}
    providers = {item["slug"] for item in client.get("/api/v1/providers/").json()["results"]}

    assert topics == {"energy"}
    assert providers == {articles_in_every_state["live imported"].provider.slug}
    assert client.get("/api/v1/topics/secret-merger/").status_code == 404
    assert client.get(f"/api/v1/providers/{articles_in_every_state['draft'].provider.slug}/").status_code == 404


def test_a_topic_filter_lists_what_the_topic_page_lists(client, articles_in_every_state):
    page = client.get("/topics/energy/").content.decode()
    shown = set(re.findall(r'href="/articles/([^/"]+)/"', page))

    by_id = {article.pk: article.slug for article in articles_in_every_state.values()}

    assert {by_id[pk] for pk in api_ids(client, topic="energy")} == shown == {
        articles_in_every_state["live imported"].slug, articles_in_every_state["live house"].slug,
    }
