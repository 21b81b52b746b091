"""The search index, as the ORM sees it: one unmanaged model per engine.

The tables behind them are created by this app's migration and kept current by
database triggers (see ``search/engines/``), never by Django: the importer's
bulk queries skip signals, so only the database itself sees every write.
Django only reads them, through a join from ``Article`` (``sqlite_index`` or
``postgres_index``), and never writes or deletes rows (``DO_NOTHING``).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from articles.models import Article


class SqliteMatchField(models.TextField):
    """FTS5's hidden column named after its table: the left side of ``MATCH``."""


@SqliteMatchField.register_lookup
class SqliteMatch(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


@SqliteMatchField.register_lookup
class SqliteContainsAny(models.Lookup):
    """Any of the given strings occurs in the row's text (for CJK shorter than a trigram)."""

    lookup_name = "contains_any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(self.lhs.alias)
        text = " || ' ' || ".join(f"{table}.{c}" for c in ("title", "excerpt", "body", "topics"))
        # instr(), not LIKE: this SQLite's trigram tables answer LIKE patterns
        # shorter than three characters with no rows at all.
        return "(" + " OR ".join([f"instr({text}, %s) > 0"] * len(self.rhs)) + ")", list(self.rhs)


class SqliteIndexEntry(models.Model):
    """A row of the SQLite FTS5 table ``search_fts``; its rowid is the article's id.

    The join uses ``article_id``, an UNINDEXED copy of the rowid: FTS5 cannot
    look rows up by it, so SQLite must scan the matches and fetch each
    article by primary key. Joined on rowid, it may instead walk the live
    articles and re-run the full-text query once per article (seconds).
    """

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="sqlite_index",
    )
    fts = SqliteMatchField(db_column="search_fts")
    # FTS5's hidden rank column: bm25 with our weights (set by the engine).
    # Ordering by it alone lets FTS5 sort, so SQLite stops after a page.
    rank = models.FloatField(db_column="rank")

    class Meta:
        managed = False
        db_table = "search_fts"

    def __str__(self):
        return f"Search index entry for article {self.pk}"


class SqliteCjkEntry(models.Model):
    """A row of the SQLite trigram table ``search_cjk`` (articles with CJK text)."""

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="sqlite_cjk",
    )
    fts = SqliteMatchField(db_column="search_cjk")
    rank = models.FloatField(db_column="rank")

    class Meta:
        managed = False
        db_table = "search_cjk"

    def __str__(self):
        return f"CJK search index entry for article {self.pk}"


class PostgresIndexEntry(models.Model):
    """A row of ``search_document``: an article's weighted tsvector."""

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="postgres_index",
    )
    # The article's, copied by the triggers: orders the candidates of a search
    # from the index on this table alone (search.engines.postgresql.best).
    published_at = models.DateTimeField()
    published = models.BooleanField()  # status is "published"
    document = SearchVectorField()

    class Meta:
        managed = False
        db_table = "search_document"

    def __str__(self):
        return f"Search document for article {self.pk}"
