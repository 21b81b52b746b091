"""Each search document carries its article's date and whether it is published.

The results page ranks only the newest matches of a search
(``search.engines.postgresql.best``); with the date on the index's own table,
the newest published matches of a common word are found by walking a partial
index of them by date instead of reading and sorting every match. PostgreSQL only; databases created after
this change got the column in 0001 and have nothing to do here. The triggers
that fill it are (re)installed here and by every ``migrate`` (search.signals).
"""

from django.db import migrations, models


def add_date(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from search.engines import engine_for

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'search_document' AND column_name = 'published_at'"
        )
        if cursor.fetchone():
            return  # created with it (0001)
    for sql in (
        # Every row gets a new version: with the GIN index in place, each would
        # re-insert its whole vector (hours at a million articles). Built again
        # after, in one pass (minutes), like the new index.
        "SET LOCAL maintenance_work_mem = '256MB'",
        "DROP INDEX search_document_gin",
        "ALTER TABLE search_document ADD COLUMN published_at timestamptz, ADD COLUMN published boolean",
        "UPDATE search_document d SET published_at = a.published_at, published = a.status = 'published' "
        "FROM articles_article a WHERE a.id = d.article_id",
        "ALTER TABLE search_document ALTER COLUMN published_at SET NOT NULL, "
        "ALTER COLUMN published SET NOT NULL",
        "CREATE INDEX search_document_gin ON search_document USING gin (document)",
        "CREATE INDEX search_document_newest ON search_document (published_at, article_id) "
        "WHERE published",
    ):
        schema_editor.execute(sql)
    engine_for(connection.alias).install(connection)


def drop_date(apps, schema_editor):
    # The current trigger code writes the column: dropping it would break every
    # write to articles. An older release's triggers simply leave it alone.
    pass


class Migration(migrations.Migration):

    dependencies = [("search", "0002_search_pause")]

    operations = [
        migrations.AddField(
            model_name="postgresindexentry",
            name="published_at",
            field=models.DateTimeField(),
        ),
        migrations.AddField(
            model_name="postgresindexentry",
            name="published",
            field=models.BooleanField(),
        ),
        migrations.RunPython(add_date, drop_date),
    ]
