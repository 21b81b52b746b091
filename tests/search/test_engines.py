"""What each engine guarantees on its own database (each runs in its CI pass)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import connection
from django.db.migrations import Migration
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, TaggedArticle, Topic
from search import search
from search.models import PostgresIndexEntry

from .conftest import on_postgresql, on_sqlite

pytestmark = pytest.mark.django_db


def test_the_rebuild_command_restores_a_wiped_index(make_article, found):
    make_article(title="Glacier retreat", topics=["Climate"])
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM search_fts" if connection.vendor == "sqlite" else "DELETE FROM search_document"
        )
    assert found("glacier") == []

    call_command("rebuild_search_index", verbosity=0)

    assert found("glacier") == ["Glacier retreat"]
    assert found("climate") == ["Glacier retreat"]


# SQLite ------------------------------------------------------------------------


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_migrations_that_rebuild_article_tables_keep_search_in_sync(make_article, found):
    article = make_article(title="Earlier migration", topics=["Tides"])
    plan = [(Migration("0999_alter", "articles"), False)]

    # What ``migrate`` sends around its migrations, to every app's receivers.
    emit_pre_migrate_signal(0, False, "default", plan=plan)
    with connection.schema_editor() as editor:
        # What any AlterField does on SQLite: copy to a new table, drop the old.
        for model in (TaggedArticle, Topic, Article):
            editor._remake_table(model)
    emit_post_migrate_signal(0, False, "default", plan=plan)

    assert found("tides") == ["Earlier migration"]
    article.title = "Later migration"
    article.save()
    article.topics.add("Currents")
    assert found("later") == ["Later migration"]
    assert found("currents") == ["Later migration"]
    assert found("earlier") == []


@pytest.fixture
def newest_only(monkeypatch):
    """``newest_only(n)``: the results page ranks only the ``n`` newest matches of any query.

    PostgreSQL's page always does; SQLite's only past ``COMMON`` matches, made 0 here.
    """
    from search.engines import postgresql, sqlite

    def few(n):
        engine = sqlite if connection.vendor == "sqlite" else postgresql
        if engine is sqlite:
            monkeypatch.setattr(sqlite, "COMMON", 0)
        monkeypatch.setattr(engine, "CANDIDATES", n)

    return few


@on_sqlite
def test_on_sqlite_filters_and_other_terms_narrow_a_common_word_before_the_newest(
    make_article, make_provider, newest_only
):
    newest_only(1)
    now = timezone.now()
    wire = make_provider()
    make_article(title="Solar wire story", provider=wire, published_at=now - timedelta(days=9))
    make_article(title="Solar 東京 farm", published_at=now - timedelta(days=5))
    make_article(title="Solar crypto farm", published_at=now - timedelta(days=3))
    make_article(title="Solar today", published_at=now)

    assert [a.title for a in search("solar").filter(provider=wire)[:20]] == ["Solar wire story"]
    assert [a.title for a in search("solar 東京")[:20]] == ["Solar 東京 farm"]
    assert [a.title for a in search("solar farm -crypto")[:20]] == ["Solar 東京 farm"]
    assert [a.title for a in search("solar")[:20]] == ["Solar today"]
    assert search("solar -solar").count() == 0


@on_sqlite
@pytest.mark.parametrize(
    ("query", "filters"),
    [("solar", {}), ("solar", {"topics__name": "Space"}), ("半導体", {}), ("芯片", {})],
)
def test_searches_start_from_the_full_text_matches_not_the_articles(make_article, query, filters):
    """Otherwise SQLite may re-run the full-text query once per live article: seconds, not ms."""
    make_article(title="Solar 半導体 芯片", topics=["Space"])
    results = search(query).filter(**filters)
    with CaptureQueriesContext(connection) as queries:
        assert results.count() == 1
        results[:20]

    # The ranking (after a word query's count of its matches), then the page's articles by key, the snippets.
    ranking = next(q["sql"] for q in queries.captured_queries if "articles_article" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {ranking}")
        plan = [row[-1] for row in cursor.fetchall()]
    index = next(i for i, step in enumerate(plan) if " VIRTUAL TABLE INDEX " in step)
    articles = plan.index("SEARCH articles_article USING INTEGER PRIMARY KEY (rowid=?)")
    assert index < articles, plan  # an outer loop over the matches, articles fetched by key


# PostgreSQL --------------------------------------------------------------------


@on_postgresql
def test_the_stored_document_weights_title_excerpt_body_and_topics(make_article):
    """Title A, excerpt B, body C; topic names D, ranked with the same weight as C."""
    article = make_article(title="Aurora", excerpt="Borealis", body="Magnetosphere", topics=["Sky"])

    document = PostgresIndexEntry.objects.get(article=article).document

    assert "'aurora':1A" in document
    assert "'boreali':2B" in document
    assert "'magnetospher':3C" in document
    assert "'sky':4" in document.split()  # D, which PostgreSQL prints without a letter


def test_english_stop_words_alone_find_nothing_rather_than_everything(make_article, found):
    make_article(title="The state of the art")

    assert found("the") == []
    assert found("the OR of") == []
    assert found("the art") == ["The state of the art"]


def test_both_engines_read_and_not_and_stop_words_alike(make_article, found):
    """The same query finds the same articles on SQLite and PostgreSQL."""
    make_article(title="Cats and dogs share a park")
    make_article(title="Cats rule the internet")

    assert found("cats AND dogs") == ["Cats and dogs share a park"]
    assert found("cats NOT dogs") == ["Cats rule the internet"]
    assert found("the internet") == ["Cats rule the internet"]
    assert found("dogs and the park") == ["Cats and dogs share a park"]


@on_postgresql
def test_equal_ranks_list_the_newest_first(make_article, found):
    """ts_rank_cd often ties (it ignores document length); bm25 on SQLite rarely does."""
    now = timezone.now()
    make_article(title="Solar old", published_at=now - timedelta(days=2))
    make_article(title="Solar new", published_at=now - timedelta(days=1))
    make_article(title="Solar middle", published_at=now - timedelta(days=1, hours=12))

    assert found("solar") == ["Solar new", "Solar middle", "Solar old"]


@on_postgresql
def test_truncating_articles_empties_the_index(make_article):
    make_article(title="Glacier retreat")

    with connection.cursor() as cursor:
        # The test's transaction still holds deferred foreign-key checks, which TRUNCATE refuses.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE articles_article CASCADE")

    assert not PostgresIndexEntry.objects.exists()


def test_the_results_page_ranks_like_the_full_ranking_below_the_bound(make_article):
    """Below the candidate bound, the page's ranking is the full ranking (the admin's, the API's)."""
    now = timezone.now()
    make_article(title="Solar farms", body="solar " * 5, published_at=now - timedelta(days=3))
    make_article(title="Grid news", excerpt="A solar project", published_at=now - timedelta(days=2))
    make_article(title="Weather", body="Sunny, solar panels humming", published_at=now - timedelta(days=1))
    make_article(title="Solar eclipse", published_at=now - timedelta(days=4))
    make_article(title="Solar", excerpt="solar", body="solar", status=Article.Status.DRAFT)

    results = search("solar")

    assert [a.title for a in results[:20]] == [a.title for a in results.queryset]
    assert [a.title for a in results[:20]][-2:] == ["Grid news", "Weather"]
    assert results.count() == 4  # the draft is not live


def test_the_results_page_ranks_only_the_newest_matches(make_article, newest_only):
    newest_only(2)
    now = timezone.now()
    make_article(title="Solar", excerpt="Solar", published_at=now - timedelta(days=30))
    make_article(title="Budget", body="solar subsidy", published_at=now - timedelta(days=2))
    make_article(title="Solar roofs", published_at=now - timedelta(days=1))
    # Newer still but not live: it must not take one of the two places.
    make_article(title="Solar draft", status=Article.Status.DRAFT, published_at=now)

    results = search("solar")

    assert [a.title for a in results[:20]] == ["Solar roofs", "Budget"]  # best of the 2 newest
    assert results.queryset.count() == 3  # the admin and the API still rank every match


@on_postgresql
def test_filters_narrow_the_matches_before_the_newest_are_taken(make_article, make_provider, monkeypatch):
    from search.engines import postgresql

    monkeypatch.setattr(postgresql, "CANDIDATES", 1)
    now = timezone.now()
    wire = make_provider()
    make_article(title="Solar wire story", provider=wire, published_at=now - timedelta(days=9))
    make_article(title="Solar today", published_at=now)

    assert [a.title for a in search("solar").filter(provider=wire)[:20]] == ["Solar wire story"]
    assert [a.title for a in search("solar")[:20]] == ["Solar today"]


@on_postgresql
def test_a_redated_article_moves_among_the_newest_matches(make_article, monkeypatch):
    from search.engines import postgresql

    monkeypatch.setattr(postgresql, "CANDIDATES", 1)
    now = timezone.now()
    old = make_article(title="Solar archive", published_at=now - timedelta(days=400))
    make_article(title="Solar news", published_at=now - timedelta(days=1))
    assert [a.title for a in search("solar")[:20]] == ["Solar news"]

    # A bulk update, as the importer and the workflow write: only the triggers see it.
    Article.objects.filter(pk=old.pk).update(published_at=now)

    assert PostgresIndexEntry.objects.get(article=old).published_at == now
    assert [a.title for a in search("solar")[:20]] == ["Solar archive"]


@on_postgresql
def test_publishing_and_withdrawing_reach_the_index_of_published_matches(make_article):
    draft = make_article(title="Solar scoop", status=Article.Status.DRAFT)
    assert search("solar").count() == 0

    Article.objects.filter(pk=draft.pk).update(status=Article.Status.PUBLISHED)
    assert PostgresIndexEntry.objects.get(article=draft).published
    assert [a.title for a in search("solar")[:20]] == ["Solar scoop"]

    Article.objects.filter(pk=draft.pk).update(status=Article.Status.KILLED)
    assert not PostgresIndexEntry.objects.get(article=draft).published
    assert search("solar").count() == 0


@on_postgresql
@pytest.mark.parametrize("query", ["solar", "solar panels", '"solar panels"', "solar -roof", "太陽"])
def test_both_plans_for_the_newest_matches_rank_alike(make_article, monkeypatch, query):
    """Without RUM, the planner walks the date index (common words) or sorts the GIN matches
    (rare ones): either way the same candidates, so the same page. Equal dates included."""
    from search.engines import postgresql

    monkeypatch.setattr(postgresql, "CANDIDATES", 4)
    now = timezone.now()
    texts = ["Solar panels 太陽", "solar roof panels", "Solar", "the solar panels", "Panels, solar 太陽"]
    for n in range(10):
        make_article(title=texts[n % 5], body="solar panels " * (n % 3),
                     published_at=now - timedelta(days=n // 2))  # pairs share a date

    def page(*statements):
        with connection.cursor() as cursor:
            # Dropped inside the test's transaction, so only here.
            for statement in ("DROP INDEX IF EXISTS search_document_rum", *statements):
                cursor.execute(statement)
            ranked = [(a.pk, a.rank) for a in search(query)[:20]]
            plan = "\n".join(row[0] for row in _explain_candidates(cursor, query))
            cursor.execute("RESET ALL")
        return ranked, plan

    off = "SET LOCAL {} = off".format
    walked, walk_plan = page(off("enable_bitmapscan"), off("enable_seqscan"), off("enable_sort"))
    # Without the date index.
    sorted_, gin_plan = page(
        "DROP INDEX search_document_newest", off("enable_seqscan"), off("enable_indexscan"), off("enable_nestloop")
    )

    assert "search_document_newest" in walk_plan and "search_document_gin" not in walk_plan
    assert "search_document_gin" in gin_plan, gin_plan
    assert walked == sorted_
    assert len(walked) == 4


def _explain_candidates(cursor, query):
    from search.engines import postgresql
    from search.query import parse

    newest = (
        Article.objects.live()
        .filter(postgres_index__document=postgresql._tsquery(parse(query)), postgres_index__published=True)
        .order_by("-postgres_index__published_at", "-pk").values("pk")[:postgresql.CANDIDATES]
    )
    sql, params = newest.query.sql_with_params()
    cursor.execute(f"EXPLAIN {sql}", params)
    return cursor.fetchall()


@pytest.fixture
def rum(db):
    from search.engines import postgresql

    if not postgresql.has_rum_index(connection):
        pytest.skip("the rum extension is not installed on this server")


@on_postgresql
@pytest.mark.parametrize("query", ["solar", "solar panels", '"solar panels"', "solar -roof", "太陽", "panels OR roof"])
@pytest.mark.parametrize("common", [False, True])
def test_with_and_without_rum_the_page_ranks_alike(rum, make_article, monkeypatch, query, common):
    """The RUM path (and the window walk it leaves common words to) picks the same newest
    matches as the GIN path that serves when the extension is missing."""
    from search.engines import postgresql

    monkeypatch.setattr(postgresql, "CANDIDATES", 5)
    monkeypatch.setattr(postgresql, "WINDOW", 6)  # the window holds too few: both steps run
    monkeypatch.setattr(postgresql, "COMMON", -1 if common else 10**9)
    now = timezone.now()
    texts = ["Solar panels 太陽", "solar roof panels", "Solar", "the solar panels", "Panels, solar 太陽"]
    for n in range(15):
        make_article(title=texts[n % 5], body="solar panels " * (n % 3),
                     published_at=now - timedelta(hours=n))
    make_article(title="Solar draft", status=Article.Status.DRAFT, published_at=now)

    def page():
        return [(a.pk, a.rank) for a in search(query)[:20]]

    with_rum = page()
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX search_document_rum")  # inside the test's transaction
    without = page()

    assert with_rum == without
    assert len(with_rum) == 5


@on_postgresql
def test_the_rebuild_and_the_check_restore_a_missing_rum_index(rum, make_article, found):
    from search.engines import postgresql
    from search.tasks import repair_if_out_of_date

    make_article(title="Glacier retreat")
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX search_document_rum")
    assert postgresql.out_of_date(connection) == "the rum extension is installed but not its index"

    assert repair_if_out_of_date() == "search index rebuilt (the rum extension is installed but not its index)"

    assert postgresql.has_rum_index(connection)
    assert found("glacier") == ["Glacier retreat"]


def test_a_topic_link_moved_to_another_topic_is_searched_under_its_new_name(make_article, found):
    article = make_article(title="Harbour report", topics=["Tides"])
    currents = Topic.objects.create(name="Currents")
    # A bulk update, which only the triggers see.
    TaggedArticle.objects.filter(content_object=article).update(tag=currents)

    assert found("currents") == ["Harbour report"]
    assert found("tides") == []
    # The article's new date reaches its links without re-indexing anything it did not change.
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(days=3))
    assert found("currents") == ["Harbour report"]
