"""The search index: FTS5 tables on SQLite, a tsvector table on PostgreSQL.

The models are unmanaged (Django only reads these tables); the tables
themselves are engine-specific SQL, created here for whichever engine runs the
migration. The triggers that fill them come from ``search.engines`` (the
current code, re-installed after every ``migrate`` by ``search.signals``),
and the index is built from the articles already there.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

import search.models

TABLES = {
    "sqlite": [
        # Stemmed words with case and accents folded, for every article.
        # article_id repeats the rowid, for joins (see SqliteIndexEntry).
        "CREATE VIRTUAL TABLE search_fts USING fts5(title, excerpt, body, topics, "
        "article_id UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2')",
        # Substrings, for the articles with CJK or Hangul in their text or topics.
        "CREATE VIRTUAL TABLE search_cjk USING fts5(title, excerpt, body, topics, "
        "article_id UNINDEXED, tokenize = 'trigram')",
    ],
    "postgresql": [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        "CREATE TEXT SEARCH CONFIGURATION newsroom_search (COPY = english)",
        "ALTER TEXT SEARCH CONFIGURATION newsroom_search "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
        # published_at, published and their index came with 0003, whose trigger code
        # fills them: a new database gets them here, as the triggers installed below expect.
        "CREATE TABLE search_document (article_id bigint PRIMARY KEY, "
        "published_at timestamptz NOT NULL, published boolean NOT NULL, document tsvector NOT NULL)",
        "CREATE INDEX search_document_gin ON search_document USING gin (document)",
        "CREATE INDEX search_document_newest ON search_document (published_at, article_id) "
        "WHERE published",
    ],
}

DROP = {
    "sqlite": ["DROP TABLE search_cjk", "DROP TABLE search_fts"],
    "postgresql": [
        "DROP TABLE search_document",
        "DROP FUNCTION search_refresh(bigint[]), search_refresh_topics(bigint[]), "
        "search_topic_names(bigint[]), search_article_changed(), search_tagging_changed(), "
        "search_topic_renamed(), search_segment(text)",
        "DROP TEXT SEARCH CONFIGURATION newsroom_search",
    ],
}


def create_index(apps, schema_editor):
    from search.engines import engine_for

    connection = schema_editor.connection
    engine = engine_for(connection.alias)
    for sql in TABLES[connection.vendor]:
        schema_editor.execute(sql)
    # On SQLite, search.signals installs the triggers and builds the index
    # once every migration of the run has finished: a later migration that
    # rebuilds an articles table would trip over triggers that mention it.
    if connection.vendor != "sqlite":
        engine.install(connection)
        engine.rebuild(connection)


def drop_index(apps, schema_editor):
    from search.engines import engine_for

    connection = schema_editor.connection
    engine_for(connection.alias).uninstall(connection)
    for sql in DROP[connection.vendor]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        # The triggers only need the articles, topic links and topics of 0001.
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PostgresIndexEntry",
            fields=[
                ("article", models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name="postgres_index", serialize=False, to="articles.article")),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={"db_table": "search_document", "managed": False},
        ),
        migrations.CreateModel(
            name="SqliteIndexEntry",
            fields=[
                ("article", models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name="sqlite_index", serialize=False, to="articles.article")),
                ("fts", search.models.SqliteMatchField(db_column="search_fts")),
                ("rank", models.FloatField(db_column="rank")),
            ],
            options={"db_table": "search_fts", "managed": False},
        ),
        migrations.CreateModel(
            name="SqliteCjkEntry",
            fields=[
                ("article", models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name="sqlite_cjk", serialize=False, to="articles.article")),
                ("fts", search.models.SqliteMatchField(db_column="search_cjk")),
                ("rank", models.FloatField(db_column="rank")),
            ],
            options={"db_table": "search_cjk", "managed": False},
        ),
        migrations.RunPython(create_index, drop_index),
    ]
