"""Builders for the API tests: one article in each workflow state, and a JSON client."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article


@pytest.fixture
def make_house_article(db):
    """A live article of the newsroom's own: no provider, no source URL."""
    counter = iter(range(1, 10_000))

    def make(topics=(), **overrides):
        n = next(counter)
        fields = {
            "title": f"Our story {n}", "slug": f"our-story-{n}", "provider": None, "web_url": None,
            "status": Article.Status.PUBLISHED, "excerpt": f"Our excerpt {n}",
            "published_at": datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
        }
        article = Article.objects.create(**{**fields, **overrides})
        if topics:
            article.topics.add(*topics)
        return article

    return make


@pytest.fixture
def articles_in_every_state(make_article, make_house_article):
    """``{state: article}``: one article in each state readers may or may not see."""
    now = timezone.now()
    day = timedelta(days=1)
    published = Article.Status.PUBLISHED

    def dated(n):
        # Distinct dates, newest first in the order below, so list order is known.
        return datetime(2024, 5, 20, 10, 0, tzinfo=UTC) - timedelta(hours=n)

    return {
        "live imported": make_article(published_at=dated(1), topics=["Energy"]),
        "live house": make_house_article(published_at=dated(2), topics=["Energy"]),
        "draft": make_article(status=Article.Status.DRAFT, published_at=dated(3), topics=["Energy"]),
        "in review": make_article(status=Article.Status.IN_REVIEW, published_at=dated(4)),
        "scheduled": make_article(status=published, go_live_at=now + day, published_at=dated(5)),
        "embargoed": make_article(status=published, embargo_until=now + day, published_at=dated(6)),
        "expired": make_article(status=published, expire_at=now - day, published_at=dated(7)),
        "unpublished": make_article(status=Article.Status.UNPUBLISHED, published_at=dated(8)),
        "archived": make_article(status=Article.Status.ARCHIVED, published_at=dated(9)),
        "killed": make_article(status=Article.Status.KILLED, published_at=dated(10)),
    }


def api_ids(client, url="/api/v1/articles/", **params):
    """Every article id a list returns, following ``next`` to the end."""
    ids, response = [], client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        data = response.json()
        ids += [item["id"] for item in data["results"]]
        if not data["next"]:
            return ids
        response = client.get(data["next"])
