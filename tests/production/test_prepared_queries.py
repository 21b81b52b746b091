"""Querysets compiled once and re-run with new values give what the ORM gives, every time."""

import threading

import pytest
from django.db import connections

from articles.models import Article, Image
from newsroom.prepared import PreparedQuerySet
from stories.models import with_story

pytestmark = pytest.mark.django_db

by_slug = PreparedQuerySet(
    lambda slug: with_story(Article.objects.live().select_related("provider")).filter(slug=slug), ""
)
images_of = PreparedQuerySet(lambda pk: Image.objects.filter(article_id=pk).order_by("position"), 0)


def test_each_call_runs_with_its_own_value(make_article):
    first, second = make_article(title="First"), make_article(title="Second")

    assert [a.pk for a in by_slug(first.slug)] == [first.pk]
    assert [a.pk for a in by_slug(second.slug)] == [second.pk]
    assert by_slug("no-such-article") == []


def test_rows_come_back_as_the_orm_builds_them(make_article, django_assert_num_queries):
    article = make_article(title="Ünïcode headline")
    expected = with_story(Article.objects.live().select_related("provider")).get(slug=article.slug)

    with django_assert_num_queries(1):
        (found,) = by_slug(article.slug)
        # select_related and the annotations arrive with the row: no further query.
        assert found.provider.name == expected.provider.name
        assert found.story_live_count == expected.story_live_count
    assert found.title == "Ünïcode headline"
    assert found.published_at == expected.published_at  # converted to an aware datetime


def test_results_are_never_kept_between_calls(make_article):
    article = make_article()
    assert by_slug(article.slug)

    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)

    assert by_slug(article.slug) == []


def test_values_are_parameters_never_sql(make_article):
    article = make_article()

    # Spliced into the SQL, this would match every article.
    assert by_slug(f"{article.slug}' OR '1'='1") == []


def test_ordering_and_several_rows(make_article):
    article = make_article()
    for position in (2, 0, 1):
        Image.objects.create(article=article, position=position, url=f"https://img.example/{position}.jpg")

    assert [image.position for image in images_of(article.pk)] == [0, 1, 2]
    assert images_of(article.pk + 1000) == []


def test_a_placeholder_that_does_not_reach_the_sql_is_refused():
    ignored = PreparedQuerySet(lambda slug: Article.objects.all(), "")

    with pytest.raises(ValueError, match="placeholders"):
        ignored("anything")


@pytest.mark.parametrize("example", [None, True, ["a"]])
def test_values_that_would_change_the_sql_cannot_be_placeholders(example):
    # Refused where it is declared, before any request runs it.
    with pytest.raises(TypeError):
        PreparedQuerySet(lambda value: Article.objects.filter(title=value), example)


@pytest.mark.django_db(transaction=True)
def test_a_query_compiled_in_one_thread_runs_in_another(make_article):
    article = make_article()
    assert by_slug(article.slug)  # compiled here, on this thread's connection
    found = []

    def reader():
        try:
            found.extend(a.pk for a in by_slug(article.slug))
        finally:
            connections.close_all()

    thread = threading.Thread(target=reader)
    thread.start()
    thread.join()

    assert found == [article.pk]
