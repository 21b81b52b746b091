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


# --- The fast path and the plain ORM agree, and the ORM takes over where unverified -----


@pytest.fixture
def newsroom_with_everything(make_article):
    """Articles with what the prepared page queries read: pictures, topics, related, corrections."""
    from articles.models import Correction, Related

    older = make_article(title="Older story", topics=["Energy"])
    article = make_article(title="Grid storage deal", topics=["Energy", "Batteries"], heat=5, quality=80)
    for position in range(2):
        Image.objects.create(article=article, position=position, url=f"https://img.example/{position}.jpg",
                             width=800, height=600, title=f"Picture {position}")
    Related.objects.create(article=article, position=0, title="Their take", target=older,
                           web_url=older.web_url, provider_name="Other")
    Correction.objects.create(article=article, note="An earlier version misnamed the company.")
    return article


def row_values(objects):
    """Every loaded column, annotation and related row of ``objects``, comparable with ==."""
    values = []
    for obj in objects:
        loaded = {key: value for key, value in vars(obj).items() if key != "_state"}
        cached = {name: row_values([related])[0] for name, related in obj._state.fields_cache.items()
                  if related is not None}
        values.append((type(obj).__name__, loaded, cached))
    return values


def site_prepared_queries():
    from articles import queries
    from articles.views import front

    return {
        name: prepared
        for module in (queries, front)
        for name, prepared in vars(module).items()
        if isinstance(prepared, PreparedQuerySet)
    }


def test_every_prepared_query_of_the_site_gives_the_plain_orm_rows(newsroom_with_everything):
    article = newsroom_with_everything
    prepared = site_prepared_queries()
    assert len(prepared) == 7  # a new prepared query joins this comparison by being found here

    for name, query in prepared.items():
        placeholders = len(query._markers)
        values = [article.slug] if name == "article_by_slug" else [article.pk] * placeholders
        fast, plain = query(*values), query.evaluate(*values)
        assert fast, f"{name} found nothing to compare"
        assert row_values(fast) == row_values(plain), name


@pytest.mark.parametrize("path", ["/", "/articles/{slug}/"])
def test_pages_are_the_same_on_the_fast_path_and_the_plain_orm(client, settings, path,
                                                               newsroom_with_everything):
    url = path.format(slug=newsroom_with_everything.slug)
    settings.PUBLIC_CACHE_SECONDS = 0
    settings.PREPARED_QUERIES = True
    fast = client.get(url)
    settings.PREPARED_QUERIES = False
    plain = client.get(url)

    assert fast.status_code == plain.status_code == 200
    assert fast.content == plain.content


def test_an_unverified_django_version_uses_the_plain_orm(client, settings, monkeypatch,
                                                          newsroom_with_everything):
    """The fast path replaces a compiler's as_sql: only where that was tested."""
    from newsroom import prepared

    def internals_changed(*args, **kwargs):
        raise AttributeError("this Django's compiler works differently")

    monkeypatch.setattr(prepared.PreparedQuerySet, "_compile", internals_changed)
    monkeypatch.setattr(prepared, "VERIFIED_ON", ())
    settings.PUBLIC_CACHE_SECONDS = 0
    settings.PREPARED_QUERIES = None

    assert not prepared.fast_path_enabled()
    assert client.get("/").status_code == 200
    page = client.get(newsroom_with_everything.get_absolute_url())
    assert page.status_code == 200 and b"Grid storage deal" in page.content
