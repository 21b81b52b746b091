"""PostgreSQL engine: a weighted tsvector per article, kept in sync by triggers.

``search_document`` holds one ``tsvector`` per article (title weight A,
excerpt B, body C, topic names D but ranked like C) with a GIN index, and a
copy of the article's ``published_at`` and whether it is published, with a
btree index of the published ones by date, so the newest matches of a common
word are found without reading every match (``best``).
Statement-level triggers with transition tables refresh it after every write
to articles, their topic links and topic names, so one bulk insert of 500
articles costs one refresh of 500 rows, and nothing that writes (the
importer's bulk queries, the admin, the workflow, ``QuerySet.update``) can
forget to.

Text goes through the ``newsroom_search`` configuration: English stemming
with ``unaccent`` in front (``resume`` finds ``résumé``, ``regulating`` finds
``regulation``). CJK and Hangul are written without spaces between words (or
with particles attached), so ``search_segment`` puts an invisible separator
around each of their characters, in the index, queries and headlines alike;
a CJK word is then a phrase of characters (``東 <-> 京``), found anywhere in
a longer run.
"""

import json
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import DatabaseError, connections, transaction
from django.db.models import F, FloatField, Func, Subquery, TextField, Value

from articles.models import Article

from ..highlight import END, START
from ..query import NO_SPACE_SCRIPT_CLASS
from .base import ORDERING

CONFIG = "newsroom_search"
# Put around each CJK character by search_segment: the parser splits words
# there, and unlike a space it can be taken out of a headline without a trace.
SEPARATOR = "\u200b"  # ZERO WIDTH SPACE
# ts_rank_cd weights for D (topic names), C (body), B (excerpt), A (title).
# Wider apart than PostgreSQL's defaults (0.1, 0.2, 0.4, 1.0), which add up
# so that a few body hits outrank a headline: one title match should win.
WEIGHTS = [0.1, 0.1, 0.3, 1.0]

FUNCTIONS = [
    f"""
    CREATE OR REPLACE FUNCTION search_segment(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
        SELECT regexp_replace(value, '([{NO_SPACE_SCRIPT_CLASS}])', chr({ord(SEPARATOR)}) || '\\1' || chr({ord(SEPARATOR)}), 'g')
    $$""",
    # Topic names per article, for a batch: one grouped join, not a lookup per article.
    """
    CREATE OR REPLACE FUNCTION search_topic_names(ids bigint[])
    RETURNS TABLE (article_id bigint, names text) LANGUAGE sql STABLE AS $$
        SELECT ta.content_object_id, string_agg(topic.name, ' ')
        FROM articles_taggedarticle ta JOIN articles_topic topic ON topic.id = ta.tag_id
        WHERE ta.content_object_id = ANY(ids)
        GROUP BY ta.content_object_id
    $$""",
    f"""
    CREATE OR REPLACE FUNCTION search_refresh(ids bigint[]) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO search_document (article_id, published_at, published, document)
        SELECT a.id, a.published_at, a.status = 'published',
               setweight(to_tsvector('{CONFIG}', search_segment(a.title)), 'A')
            || setweight(to_tsvector('{CONFIG}', search_segment(a.excerpt)), 'B')
            || setweight(to_tsvector('{CONFIG}', search_segment(a.body)), 'C')
            || setweight(to_tsvector('{CONFIG}', search_segment(coalesce(t.names, ''))), 'D')
        FROM articles_article a LEFT JOIN search_topic_names(ids) t ON t.article_id = a.id
        WHERE a.id = ANY(ids)
        ON CONFLICT (article_id) DO UPDATE
        SET document = EXCLUDED.document, published_at = EXCLUDED.published_at,
            published = EXCLUDED.published
    $$""",
    # Topic names are the last part of the vector, weight D (ranked like C):
    # a topic change keeps the A-C part as it is and parses only the names.
    f"""
    CREATE OR REPLACE FUNCTION search_refresh_topics(ids bigint[]) RETURNS void
    LANGUAGE sql AS $$
        UPDATE search_document d
        SET document = ts_filter(d.document, '{{a,b,c}}')
            || setweight(to_tsvector('{CONFIG}', search_segment(coalesce(t.names, ''))), 'D')
        FROM unnest(ids) AS u(id) LEFT JOIN search_topic_names(ids) t ON t.article_id = u.id
        WHERE d.article_id = u.id
    $$""",
    """
    CREATE OR REPLACE FUNCTION search_article_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM search_refresh(ARRAY(SELECT id FROM new_rows));
        ELSIF TG_OP = 'UPDATE' THEN
            PERFORM search_refresh(ARRAY(
                SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE (n.title, n.excerpt, n.body) IS DISTINCT FROM (o.title, o.excerpt, o.body)
            ));
            -- Copied for best(): the date orders its candidates, the status
            -- keeps drafts out of its index. Other editorial changes (schedule,
            -- expiry) are checked on articles_article at query time.
            UPDATE search_document d
            SET published_at = n.published_at, published = n.status = 'published'
            FROM new_rows n
            WHERE d.article_id = n.id
              AND (d.published_at, d.published) IS DISTINCT FROM (n.published_at, n.status = 'published');
        ELSIF TG_OP = 'DELETE' THEN
            DELETE FROM search_document WHERE article_id IN (SELECT id FROM old_rows);
        ELSE
            TRUNCATE search_document;
        END IF;
        RETURN NULL;
    END $$""",
    """
    CREATE OR REPLACE FUNCTION search_tagging_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM search_refresh_topics(ARRAY(SELECT DISTINCT content_object_id FROM new_rows));
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM search_refresh_topics(ARRAY(SELECT DISTINCT content_object_id FROM old_rows));
        ELSE
            -- Only links moved to another article or topic: not the article's date
            -- they carry (articles/link_dates.py), which says nothing new to search.
            -- (A statement trigger with transition tables cannot name its columns.)
            PERFORM search_refresh_topics(ARRAY(
                SELECT DISTINCT moved.id FROM old_rows o JOIN new_rows n ON n.id = o.id,
                LATERAL (VALUES (o.content_object_id), (n.content_object_id)) AS moved (id)
                WHERE (o.content_object_id, o.tag_id) IS DISTINCT FROM (n.content_object_id, n.tag_id)
            ));
        END IF;
        RETURN NULL;
    END $$""",
    """
    CREATE OR REPLACE FUNCTION search_topic_renamed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM search_refresh_topics(ARRAY(
            SELECT DISTINCT ta.content_object_id
            FROM new_rows n JOIN old_rows o ON o.id = n.id
            JOIN articles_taggedarticle ta ON ta.tag_id = n.id
            WHERE n.name IS DISTINCT FROM o.name
        ));
        RETURN NULL;
    END $$""",
]

TRIGGERS = {
    "search_article_insert": (
        "AFTER INSERT ON articles_article REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION search_article_changed()"
    ),
    "search_article_update": (
        "AFTER UPDATE ON articles_article REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION search_article_changed()"
    ),
    "search_article_delete": (
        "AFTER DELETE ON articles_article REFERENCING OLD TABLE AS old_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION search_article_changed()"
    ),
    "search_article_truncate": (
        "AFTER TRUNCATE ON articles_article FOR EACH STATEMENT EXECUTE FUNCTION search_article_changed()"
    ),
    "search_tagging_insert": (
        "AFTER INSERT ON articles_taggedarticle REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION search_tagging_changed()"
    ),
    "search_tagging_update": (
        "AFTER UPDATE ON articles_taggedarticle REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION search_tagging_changed()"
    ),
    "search_tagging_delete": (
        "AFTER DELETE ON articles_taggedarticle REFERENCING OLD TABLE AS old_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION search_tagging_changed()"
    ),
    "search_topic_rename": (
        "AFTER UPDATE ON articles_topic REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION search_topic_renamed()"
    ),
}

_TRIGGER_TABLES = {
    "search_article": "articles_article",
    "search_tagging": "articles_taggedarticle",
    "search_topic": "articles_topic",
}


def _table_of(trigger):
    return next(t for prefix, t in _TRIGGER_TABLES.items() if trigger.startswith(prefix))


def install(connection):
    """Create or replace the functions and triggers that keep the index in sync."""
    with connection.cursor() as cursor:
        for sql in FUNCTIONS:
            cursor.execute(sql)
        for name, body in TRIGGERS.items():
            cursor.execute(f"CREATE OR REPLACE TRIGGER {name} {body}")


def uninstall(connection):
    """Drop the triggers (the functions stay; they are harmless unused)."""
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {_table_of(name)}")


@contextmanager
def deferred(connection):
    """For bulk writers (see the SQLite engine): nothing to hold here, since the
    statement-level triggers already index each statement's rows at once."""
    yield set()


# Published documents by date inside the full-text index, when the RUM extension
# (Debian's postgresql-15-rum) is there: see best().
RUM_INDEX = (
    "CREATE INDEX search_document_rum ON search_document "
    "USING rum (document rum_tsvector_addon_ops, published_at) "
    "WITH (attach = 'published_at', to = 'document') WHERE published"
)


def add_rum_index(connection):
    """Create the extension (if allowed) and the RUM index; False if either is out of reach.

    Without them searches take the GIN path, with the same results. Run
    inside a transaction: a refused ``CREATE EXTENSION`` rolls back to a
    savepoint, not the caller's work.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if not cursor.fetchone():
            return False
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        except DatabaseError:
            return False  # not a superuser, say: an administrator can create it later
        cursor.execute("DROP INDEX IF EXISTS search_document_rum")
        cursor.execute(RUM_INDEX)
    return True


def has_rum_index(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('search_document_rum') IS NOT NULL")
        return cursor.fetchone()[0]


def rebuild(connection):
    """Re-index every article from scratch.

    The RUM index is built again after the documents, in one pass: filled
    row by row it would take many times longer.
    """
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS search_document_rum")
        cursor.execute("TRUNCATE search_document")
        cursor.execute("SELECT search_refresh(ARRAY(SELECT id FROM articles_article))")
    add_rum_index(connection)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_document")


def is_installed(connection):
    """Whether this app's tables exist (its migration has run)."""
    return "search_document" in connection.introspection.table_names()


def out_of_date(connection):
    """Why the index no longer matches the articles (missing triggers, a row count that
    differs, the RUM extension installed but not its index), or None. Cheap: two counts
    and the catalogue, no document is read."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        missing = sorted(set(TRIGGERS) - {name for (name,) in cursor.fetchall()})
        if missing:
            return f"triggers missing: {', '.join(missing)}"
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'rum'")
        if cursor.fetchone() and not has_rum_index(connection):
            return "the rum extension is installed but not its index"
        cursor.execute("SELECT (SELECT COUNT(*) FROM articles_article), (SELECT COUNT(*) FROM search_document)")
        articles, indexed = cursor.fetchone()
    if articles != indexed:
        return f"{indexed} documents indexed for {articles} articles"
    return None


# Querying --------------------------------------------------------------------


# How many of the newest matches the results page ranks (see ``best``).
CANDIDATES = 500
# Searched first for common words: the newest published documents (see ``best``).
WINDOW = 20_000
# Past this many published matches (the planner's estimate), a word is common:
# RUM would read every one (~1 µs each), the window walk stops after a few thousand rows.
COMMON = 25_000
# Dates are ordered by their distance to this one in the RUM index: later than any article.
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


def matching(queryset, query):
    """``queryset`` narrowed to articles matching ``query``, with ``rank``, best first.

    Every match is ranked: exact, for the admin and the API, which page
    through all of them; the public results page uses ``best``.
    """
    tsquery = _tsquery(query)
    return queryset.filter(postgres_index__document=tsquery).annotate(
        rank=_rank(tsquery)
    ).order_by(*ORDERING)


def best(articles, query, limit, live=False):
    """``[(id, rank)]``: the best ``limit`` of the newest ``CANDIDATES`` matches in ``articles``.

    Ranking reads each match's whole vector, and ordering matches by date
    reads each match's row: at a million articles a word of the news matches
    tens of thousands, a common one hundreds of thousands (300-700 ms to rank
    them all). Ranking only the newest matches bounds that work, and a news
    site's readers want recent stories anyway. Filters (provider, topic,
    dates, live) apply before the bound, never after.

    With ``live`` (``articles`` are live ones only) the newest matches are
    found without reading every match:

    * a common word (more than ``COMMON`` published matches, by the
      planner's statistics) among the newest ``WINDOW`` published documents,
      walking a partial index of them by date: it stops after a few thousand
      rows (with fewer matches there than ``CANDIDATES``, as below);
    * any other, with the RUM index when the extension is there: it keeps
      each match's date next to it and hands them over newest first, reading
      only the rows returned (but every entry of a common word, hence the
      window first);
    * without RUM, among the window first, then among all published
      documents (the GIN index's matches, sorted by date).

    Every path picks the same candidates, newest first (where dates are equal
    at the cut, RUM's order may differ from the others': by id).
    """
    tsquery = _tsquery(query)
    matches = articles.filter(postgres_index__document=tsquery)
    if live:
        matches = matches.filter(postgres_index__published=True)
        rum = has_rum_index(connections[articles.db])
        found = None
        if not rum or _estimate(tsquery, articles.db) > COMMON:
            found = _newest(matches.filter(postgres_index__published_at__gte=_window_start(articles.db)))
        if found is None or len(found) < CANDIDATES:
            found = _newest(matches, by_distance=rum)
    else:
        found = _newest(matches)
    ranked = (
        Article.objects.using(articles.db).filter(pk__in=found)
        .annotate(rank=_rank(tsquery)).order_by(*ORDERING)
    )
    return list(ranked.values_list("pk", "rank")[:limit])


def _newest(matches, by_distance=False):
    if by_distance:
        # Nothing after the distance: PostgreSQL then sorts every match instead of
        # reading the index in order. Equal dates come in the index's order.
        order = [_Distance(F("postgres_index__published_at"), Value(LATEST)).asc()]
    else:
        order = ["-postgres_index__published_at", "-pk"]
    return list(matches.order_by(*order).values_list("pk", flat=True)[:CANDIDATES])


class _Distance(Func):
    """RUM's ``<=>``: how far a date is from another, which its index orders by."""

    arg_joiner = " <=> "
    template = "(%(expressions)s)"
    output_field = FloatField()


def _estimate(tsquery, using):
    """The planner's estimate of the published documents matching (one EXPLAIN, not run).

    From the words' statistics alone: joined with the articles the estimate
    also guesses how many are live, which says nothing about the index's work.
    """
    from ..models import PostgresIndexEntry

    matches = PostgresIndexEntry.objects.using(using).filter(published=True, document=tsquery)
    plan = json.loads(matches.values("pk").explain(format="json"))
    return plan[0]["Plan"]["Plan Rows"]


def _window_start(using):
    """The date of the ``WINDOW``-th newest published document (NULL, so no rows, if fewer)."""
    from ..models import PostgresIndexEntry

    return Subquery(
        PostgresIndexEntry.objects.using(using).filter(published=True)
        .order_by("-published_at").values("published_at")[WINDOW:WINDOW + 1]
    )


def _tsquery(query):
    tsquery = reduce(and_, (reduce(or_, map(_term_query, group)) for group in query.groups))
    for term in query.excluded:
        tsquery &= ~_term_query(term)
    return tsquery


def _rank(tsquery):
    return SearchRank(F("postgres_index__document"), tsquery, weights=WEIGHTS, cover_density=True)


def snippets(query, ids, using):
    """``{id: [excerpt snippet, body snippet]}`` with matches between highlight markers."""
    if not ids:
        return {}
    # Highlight every word searched for, whichever alternative of an OR matched.
    tsquery = reduce(or_, map(_term_query, query.terms))
    marks = {"start_sel": START, "stop_sel": END, "config": CONFIG}
    rows = (
        Article.objects.using(using).filter(pk__in=ids)
        .annotate(
            # Excerpts are short teasers: mark the whole text (highlight.render
            # cuts it around the first match); bodies give their best fragments.
            excerpt_snippet=SearchHeadline(_segmented(F("excerpt")), tsquery, highlight_all=True, **marks),
            body_snippet=SearchHeadline(
                _segmented(F("body")), tsquery, max_words=30, min_words=12, short_word=0,
                max_fragments=2, fragment_delimiter=" … ", **marks,
            ),
        )
        .values_list("pk", "excerpt_snippet", "body_snippet")
    )
    return {
        pk: [excerpt.replace(SEPARATOR, ""), body.replace(SEPARATOR, "")]
        for pk, excerpt, body in rows
    }


def _segmented(expression):
    return Func(expression, function="search_segment", output_field=TextField())


def _term_query(term):
    # Each term is its own phrase query, combined with tsquery operators, so
    # the grouping is exactly the parser's: websearch_to_tsquery would read
    # "a OR b c" as a | (b & c). Values are bound parameters: no syntax to break.
    return SearchQuery(_segmented(Value(term.text)), search_type="phrase", config=CONFIG)
