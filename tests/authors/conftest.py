"""Builders for authors and house articles."""

import itertools
from datetime import UTC, datetime

import pytest

_numbers = itertools.count(1)


@pytest.fixture
def make_author(db):
    """``make_author(**fields)``: a saved author of ours."""
    from authors.models import Author

    def make(**fields):
        n = next(_numbers)
        fields.setdefault("name", f"Author {n}")
        fields.setdefault("slug", f"author-{n}")
        return Author.objects.create(**fields)

    return make


@pytest.fixture
def make_house_article(db):
    """``make_house_article(authors=[...], **fields)``: a live house article (no provider, no URL)."""
    from articles.models import Article
    from authors.models import Byline

    def make(authors=(), topics=(), **fields):
        n = next(_numbers)
        fields.setdefault("title", f"Our story {n}")
        fields.setdefault("published_at", datetime(2024, 5, 1, 10, 0, tzinfo=UTC))
        fields.setdefault("status", Article.Status.PUBLISHED)
        fields.setdefault("excerpt", f"Our excerpt {n}")
        fields.setdefault("slug", Article.house_slug_for(fields["title"]))
        article = Article.objects.create(provider=None, web_url=None, **fields)
        for position, author in enumerate(authors):
            Byline.objects.create(article=article, author=author, position=position)
        if topics:
            article.topics.add(*topics)
        return article

    return make
