"""SQLite engine: FTS5 tables kept in sync by triggers, ranked with bm25.

Two FTS5 tables, both with the article's id as rowid (and again as the
UNINDEXED ``article_id``, for joins: see ``search.models.SqliteIndexEntry``):

* ``search_fts`` holds every article (title, excerpt, body, topic names) with
  the ``porter unicode61 remove_diacritics 2`` tokenizer: English stemming,
  case and accents folded. Arabic and other spaced scripts are words as usual.
* ``search_cjk`` holds only the articles with CJK or Hangul in their text or
  topic names, with the ``trigram`` tokenizer. unicode61 keeps a run of
  ideographs as one token (``東京で開催`` is one "word"), so a query for
  ``東京`` can only be found as a substring; trigrams index that, and terms
  shorter than three characters fall back to ``instr`` over this small table.

The tables (in this app's migrations) are plain data; the triggers below are
what keeps them current, whatever wrote to ``articles_*``. A bulk writer may
hold the article and topic-link triggers for the length of its transaction
(``deferred``) and re-index what it wrote once at the end: FTS5 has no
per-column update, so each topic link would otherwise re-tokenize its whole
article, measured at a third of an import's write time. Django rebuilds a
table to alter it on SQLite, which drops its triggers and fails on triggers of
other tables that mention it, so ``search.signals`` takes the triggers off
before migrations run and puts them back (and rebuilds the index) afterwards.
"""

from contextlib import contextmanager

from django.db import connections
from django.db.models import BooleanField, Case, F, Q, Value, When
from django.db.models.expressions import RawSQL

from ..highlight import END, START
from ..query import NO_SPACE_SCRIPT_CLASS
from .base import ORDERING

# bm25 weights per column (title, excerpt, body, topics, article_id): title
# matches rank above excerpt matches above body and topic matches.
WEIGHTS = (10.0, 4.0, 1.0, 1.0, 0.0)
_WEIGHTS_SQL = ", ".join(map(str, WEIGHTS))
SNIPPET_TOKENS = 32
_COLUMNS = "title || ' ' || excerpt || ' ' || body || ' ' || topics"
_CJK_GLOB = f"GLOB '*[{NO_SPACE_SCRIPT_CLASS}]*'"

_TOPICS_OF = """coalesce((
    SELECT group_concat(t.name, ' ') FROM articles_taggedarticle ta
    JOIN articles_topic t ON t.id = ta.tag_id WHERE ta.content_object_id = {id}), '')"""

# UTF-8 bytes that start a character in U+3000-U+DFFF or U+F000-U+FFFF (they
# never occur inside another character). Looking for them with instr() is
# about ten times cheaper than the GLOB, which then only confirms the few hits.
_CJK_LEAD_BYTES = [*range(0xE3, 0xEE), 0xEF]


# A row in search_pause, written and removed inside one writer's transaction
# (SQLite has one writer at a time), holds the triggers that mention it.
_NOT_PAUSED = "NOT EXISTS (SELECT 1 FROM search_pause)"


def _has_cjk(text_sql):
    lead = " OR ".join(f"instr(CAST({text_sql} AS BLOB), x'{b:02X}')" for b in _CJK_LEAD_BYTES)
    return f"(({lead}) AND ({text_sql}) {_CJK_GLOB})"


def _refresh_cjk(id_sql):
    """Rewrite the search_cjk rows of these articles: present if they have CJK text."""
    return f"""
    DELETE FROM search_cjk WHERE rowid IN ({id_sql});
    INSERT INTO search_cjk (rowid, article_id, title, excerpt, body, topics)
    SELECT id, id, title, excerpt, body, topics FROM (
        SELECT a.id, a.title, a.excerpt, a.body, {_TOPICS_OF.format(id="a.id")} AS topics
        FROM articles_article a WHERE a.id IN ({id_sql})
    ) WHERE {_has_cjk(_COLUMNS)};"""


def _retopic(id_sql):
    # FTS5 has no per-column update: this re-tokenizes the whole row, the main
    # cost of indexing an import (one per topic link).
    return f"""
    UPDATE search_fts SET topics = {_TOPICS_OF.format(id="search_fts.rowid")}
    WHERE rowid IN ({id_sql});"""


def _topic_has_cjk(tag_id_sql):
    return f"(SELECT name FROM articles_topic WHERE id = {tag_id_sql}) {_CJK_GLOB}"


_INDEX_ARTICLE = f"""
    INSERT OR REPLACE INTO search_fts (rowid, article_id, title, excerpt, body, topics)
    VALUES (NEW.id, NEW.id, NEW.title, NEW.excerpt, NEW.body, {_TOPICS_OF.format(id="NEW.id")});
    {_refresh_cjk("NEW.id")}"""

_TAGGED = "SELECT content_object_id FROM articles_taggedarticle WHERE tag_id = NEW.id"

# Topic links touch search_cjk only for CJK topic names (the WHEN clauses), so
# the usual import pays for search_fts alone. Separate triggers, as neither
# reads what the other writes, so their order does not matter.
TRIGGERS = {
    "search_article_insert": f"""
        AFTER INSERT ON articles_article WHEN {_NOT_PAUSED} BEGIN {_INDEX_ARTICLE} END""",
    # Editorial changes (status, schedule) need no re-indexing: liveness is
    # checked on articles_article at query time.
    "search_article_update": f"""
        AFTER UPDATE OF title, excerpt, body ON articles_article
        WHEN (OLD.title IS NOT NEW.title OR OLD.excerpt IS NOT NEW.excerpt OR OLD.body IS NOT NEW.body)
        AND {_NOT_PAUSED}
        BEGIN {_INDEX_ARTICLE} END""",
    "search_article_delete": """
        AFTER DELETE ON articles_article BEGIN
            DELETE FROM search_fts WHERE rowid = OLD.id;
            DELETE FROM search_cjk WHERE rowid = OLD.id;
        END""",
    "search_tagging_insert": f"""
        AFTER INSERT ON articles_taggedarticle WHEN {_NOT_PAUSED}
        BEGIN {_retopic("NEW.content_object_id")} END""",
    "search_tagging_delete": f"""
        AFTER DELETE ON articles_taggedarticle WHEN {_NOT_PAUSED}
        BEGIN {_retopic("OLD.content_object_id")} END""",
    # Of the columns naming the article and topic only: not the article's date the
    # links carry (articles/link_dates.py), which says nothing new to search.
    "search_tagging_update": f"""
        AFTER UPDATE OF content_object_id, tag_id ON articles_taggedarticle BEGIN
            {_retopic("OLD.content_object_id, NEW.content_object_id")}
        END""",
    "search_topic_rename": f"""
        AFTER UPDATE OF name ON articles_topic WHEN OLD.name IS NOT NEW.name BEGIN
            {_retopic(_TAGGED)}
        END""",
    "search_tagging_insert_cjk": f"""
        AFTER INSERT ON articles_taggedarticle
        WHEN {_NOT_PAUSED} AND {_topic_has_cjk("NEW.tag_id")}
        BEGIN {_refresh_cjk("NEW.content_object_id")} END""",
    "search_tagging_delete_cjk": f"""
        AFTER DELETE ON articles_taggedarticle
        WHEN {_NOT_PAUSED} AND {_topic_has_cjk("OLD.tag_id")}
        BEGIN {_refresh_cjk("OLD.content_object_id")} END""",
    "search_tagging_update_cjk": f"""
        AFTER UPDATE ON articles_taggedarticle
        WHEN {_topic_has_cjk("OLD.tag_id")} OR {_topic_has_cjk("NEW.tag_id")}
        BEGIN {_refresh_cjk("OLD.content_object_id, NEW.content_object_id")} END""",
    "search_topic_rename_cjk": f"""
        AFTER UPDATE OF name ON articles_topic
        WHEN OLD.name IS NOT NEW.name AND (OLD.name {_CJK_GLOB} OR NEW.name {_CJK_GLOB})
        BEGIN {_refresh_cjk(_TAGGED)} END""",
}


def install(connection):
    """Create the triggers that keep the index in sync, and set the ranking (idempotent)."""
    with connection.cursor() as cursor:
        for name, body in TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        for table in ("search_fts", "search_cjk"):
            # What the hidden rank column computes (stored in the table's config).
            cursor.execute(
                f"INSERT INTO {table} ({table}, rank) VALUES ('rank', %s)", [f"bm25({_WEIGHTS_SQL})"]
            )


def uninstall(connection):
    """Drop the triggers, e.g. while migrations may rebuild the tables they watch."""
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


@contextmanager
def deferred(connection):
    """Hold the index's triggers for article and topic-link writes; re-index at the end.

    Use inside the writer's transaction. Add the ids of every article written
    (created, changed or re-tagged) to the set this yields; they are
    re-indexed in one pass before the triggers come back. If the block
    raises, the transaction's rollback takes the hold away with everything else.
    """
    touched = set()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_pause (held) VALUES (1)")
        yield touched
        ids = sorted(touched)
        for start in range(0, len(ids), _REINDEX_BATCH):
            _reindex(cursor, ids[start:start + _REINDEX_BATCH])
        cursor.execute("DELETE FROM search_pause")


_REINDEX_BATCH = 500


# Index articles (all of them, or those a WHERE clause on ``a`` adds) in one statement.
_INDEX_ARTICLES = (
    "INSERT INTO search_fts (rowid, article_id, title, excerpt, body, topics) "
    f"SELECT a.id, a.id, a.title, a.excerpt, a.body, {_TOPICS_OF.format(id='a.id')} "
    "FROM articles_article a"
)


def _reindex(cursor, ids):
    marks = ", ".join(["%s"] * len(ids))
    cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({marks})", ids)
    cursor.execute(f"{_INDEX_ARTICLES} WHERE a.id IN ({marks})", ids)
    for statement in _refresh_cjk(marks).split(";"):
        if statement.strip():
            cursor.execute(statement, ids)


def rebuild(connection):
    """Re-index every article from scratch."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_fts")
        cursor.execute(_INDEX_ARTICLES)
        cursor.execute("DELETE FROM search_cjk")
        cursor.execute(
            "INSERT INTO search_cjk (rowid, article_id, title, excerpt, body, topics) "
            "SELECT rowid, rowid, title, excerpt, body, topics FROM search_fts "
            f"WHERE {_has_cjk(_COLUMNS)}"
        )
        # Merge the b-trees the bulk insert left behind, so queries start fast.
        cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")


def is_installed(connection):
    """Whether this app's tables exist (its migration has run)."""
    return "search_fts" in connection.introspection.table_names()


def out_of_date(connection):
    """Why the index no longer matches the articles (missing triggers, a row count that
    differs), or None. Cheap: two counts and the trigger list, no document is read."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        missing = sorted(set(TRIGGERS) - {name for (name,) in cursor.fetchall()})
        if missing:
            return f"triggers missing: {', '.join(missing)}"
        cursor.execute("SELECT (SELECT COUNT(*) FROM articles_article), (SELECT COUNT(*) FROM search_fts)")
        articles, indexed = cursor.fetchone()
    if articles != indexed:
        return f"{indexed} documents indexed for {articles} articles"
    return None


# Querying --------------------------------------------------------------------


def matching(queryset, query):
    """``queryset`` narrowed to articles matching ``query``, with ``rank``, best first.

    Higher ``rank`` is better. One FTS table is joined and drives the search
    (SQLite then scans its matches and fetches articles by key): ``search_fts``
    with the groups made only of words, which bm25 ranks; failing that,
    ``search_cjk`` with a group made only of CJK terms. Every other term
    becomes an ``id IN (...)`` condition on top.
    """
    words, cjk = _word_groups(query), _cjk_groups(query)
    excluded = list(query.excluded)

    if words:
        excluded = [t for t in excluded if t.needs_substring_match]
        queryset = _ranked_by_fts(
            queryset.filter(sqlite_index__fts__match=_words_expression(query)), "sqlite_index"
        )
    elif cjk and all(len(t.text) >= 3 for t in cjk[0]):
        queryset = _ranked_by_fts(
            queryset.filter(sqlite_cjk__fts__match=_fts_group(cjk[0])), "sqlite_cjk"
        )
    elif cjk:
        queryset = queryset.filter(sqlite_cjk__fts__contains_any=[t.text for t in cjk[0]])
        queryset = queryset.annotate(rank=_substring_rank(query)).order_by(*ORDERING)
    else:
        # Only groups mixing CJK and words ("東京 OR tokyo"): no single table
        # can drive, so this rare case filters the articles by membership.
        queryset = queryset.annotate(rank=_substring_rank(query)).order_by(*ORDERING)

    driving = words or cjk[:1]
    return _narrowed(queryset, [g for g in query.groups if g not in driving], excluded)


def _word_groups(query):
    return [g for g in query.groups if not any(t.needs_substring_match for t in g)]


def _cjk_groups(query):
    return [g for g in query.groups if all(t.needs_substring_match for t in g)]


def _words_expression(query):
    """The FTS5 query of ``query``'s word groups and excluded words, or None without word groups."""
    words = _word_groups(query)
    if not words:
        return None
    expression = " AND ".join(_fts_group(g) for g in words)
    word_excluded = [t for t in query.excluded if not t.needs_substring_match]
    if word_excluded:
        expression = f"({expression}) NOT {_fts_group(word_excluded)}"
    return expression


def _narrowed(queryset, groups, excluded):
    """``queryset`` kept to articles matching every one of ``groups`` and none of ``excluded``."""
    for group in groups:
        condition = Q()
        for term in group:
            condition |= Q(pk__in=_ids_matching(term))
        queryset = queryset.filter(condition)
    for term in excluded:
        queryset = queryset.exclude(pk__in=_ids_matching(term))
    return queryset


# Past this many matches, a word query is common: ranking every match (bm25
# reads each one's statistics) costs more than finding the newest ones first.
COMMON = 5_000
# How many of a common word's newest live matches the results page ranks (as on PostgreSQL).
CANDIDATES = 500


def best(articles, query, limit, live=False):
    """``[(id, rank)]`` of the best ``limit`` matches in ``articles`` (the results page).

    FTS5 ranks in its own index and stops after ``limit`` live ones, so
    every match competes. But it scores every match to do so: at 100,000
    articles a common word (``said``: 74,000 matches) took 90 ms. Past
    ``COMMON`` matches, the results page ranks only the newest ``CANDIDATES``
    live ones, as PostgreSQL's does (``search.engines.postgresql.best``):
    found by walking the articles by date and looking each up in the set of
    matching ids (built once), then scored alone. Filters and the other
    terms apply before the newest are taken, never after.
    """
    expression = _words_expression(query)
    if live and expression and _has_more_matches(expression, COMMON, articles.db):
        return _best_of_newest(articles, query, expression, limit)
    return list(matching(articles, query).values_list("pk", "rank")[:limit])


def _has_more_matches(expression, count, using):
    """Whether the full-text ``expression`` matches more than ``count`` documents (reads ``count + 1``)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
            [expression, count + 1],
        )
        return cursor.fetchone()[0] > count


def _best_of_newest(articles, query, expression, limit):
    table, pk = articles.model._meta.db_table, articles.model._meta.pk.column
    # "+": a set of ids to look each article up in, not an index to drive the
    # query from (which would fetch every match's article, then sort by date).
    in_matches = RawSQL(
        f'+"{table}"."{pk}" IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)',
        [expression], output_field=BooleanField(),
    )
    others = [g for g in query.groups if g not in _word_groups(query)]
    excluded = [t for t in query.excluded if t.needs_substring_match]
    newest = list(
        _narrowed(articles.filter(in_matches), others, excluded)
        .order_by("-published_at", "-pk").values_list("pk", flat=True)[:CANDIDATES]
    )
    if not newest:
        return []
    with connections[articles.db].cursor() as cursor:
        # "+rowid": one pass over the matches, scoring only these (see snippets()).
        cursor.execute(
            "SELECT rowid, rank FROM search_fts WHERE search_fts MATCH %s "
            f"AND +rowid IN ({', '.join(['%s'] * len(newest))})",
            [expression, *newest],
        )
        scores = dict(cursor.fetchall())
    # Best first (FTS5's rank: lower is better); equal scores newest first.
    ranked = sorted(range(len(newest)), key=lambda i: (scores[newest[i]], i))
    return [(newest[i], -scores[newest[i]]) for i in ranked[:limit]]


def _ranked_by_fts(queryset, relation):
    # Ordered by FTS5's rank column alone, which FTS5 sorts itself: SQLite
    # then walks the matches best first and stops after a page of live ones,
    # instead of ranking and sorting whole rows for every match (2-3x faster).
    # Equal scores (rare: bm25 weighs document length) come in index order.
    return queryset.annotate(rank=-F(f"{relation}__rank")).order_by(f"{relation}__rank")


def snippets(query, ids, using):
    """``{id: [excerpt, body]}`` for these articles, matches between highlight markers.

    FTS5 marks word matches; CJK matches (unicode61 cannot see them inside a
    run) come back unmarked, for ``highlight`` to find as substrings.
    """
    found = {}
    words = [t for t in query.terms if not t.needs_substring_match]
    placeholders = ", ".join(["%s"] * len(ids))
    with connections[using].cursor() as cursor:
        if words and ids:
            cursor.execute(
                # Excerpts are short teasers: mark the whole text (highlight.render
                # cuts it around the first match); bodies give their best window.
                "SELECT rowid, highlight(search_fts, 1, %s, %s), "
                f"snippet(search_fts, 2, %s, %s, '…', {SNIPPET_TOKENS}) FROM search_fts "
                # "+rowid": one pass over the matches; a bare rowid IN (...)
                # would re-run the full-text query once per id.
                f"WHERE search_fts MATCH %s AND +rowid IN ({placeholders})",
                [START, END, START, END, _fts_group(words), *ids],
            )
            found.update((row[0], list(row[1:])) for row in cursor.fetchall())
        rest = [pk for pk in ids if pk not in found]
        if rest:
            cursor.execute(
                "SELECT rowid, excerpt, body FROM search_fts "
                f"WHERE rowid IN ({', '.join(['%s'] * len(rest))})",
                rest,
            )
            found.update((row[0], list(row[1:])) for row in cursor.fetchall())
    return found


def _fts_phrase(term):
    # Tokens hold only letters and digits, so inside double quotes FTS5 reads
    # them as a plain phrase, never as operators.
    return '"' + " ".join(term.words) + '"'


def _fts_group(terms):
    return "(" + " OR ".join(_fts_phrase(t) for t in terms) + ")"


def _ids_matching(term):
    """The ids of articles matching one term, from whichever table can find it."""
    if not term.needs_substring_match:
        return RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [_fts_phrase(term)])
    if len(term.text) >= 3:
        # A quoted string is a phrase of trigrams: a substring match, from the index.
        return RawSQL("SELECT rowid FROM search_cjk WHERE search_cjk MATCH %s", [_fts_phrase(term)])
    # Shorter than one trigram: scan the (CJK-only) table.
    return RawSQL(f"SELECT rowid FROM search_cjk WHERE instr({_COLUMNS}, %s) > 0", [term.text])


def _substring_rank(query):
    """Without bm25 (no word terms), rank by where the CJK terms occur."""
    rank = Value(0.0)
    for term in query.terms:
        if term.needs_substring_match:
            rank = rank + Case(
                When(title__contains=term.text, then=Value(WEIGHTS[0])),
                When(excerpt__contains=term.text, then=Value(WEIGHTS[1])),
                default=Value(WEIGHTS[2]),
            )
    return rank
