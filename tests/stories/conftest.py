"""Builders for story tests: articles at given hours, linked as another outlet would link them."""

from datetime import UTC, datetime, timedelta

import pytest

from articles.models import Related

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def at(make_article):
    """``at(hours, **overrides)``: a live article published ``hours`` after T0, with its own outlet."""

    def make(hours=0, **overrides):
        return make_article(published_at=T0 + timedelta(hours=hours), **overrides)

    return make


def link(article, target):
    """``article`` lists ``target`` among its related items, resolved to our copy."""
    position = Related.objects.filter(article=article).count()
    return Related.objects.create(
        article=article, position=position, title=target.title, web_url=target.web_url, target=target
    )


def story_of(article):
    from stories.models import Membership

    membership = Membership.objects.filter(article=article).first()
    return membership.story if membership else None
