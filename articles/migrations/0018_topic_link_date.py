"""Each topic link carries its article's date, indexed by topic and date (articles/link_dates.py).

A big topic's page then walks the topic's own links from its cursor instead
of every live article. The column is filled from the articles here and kept
by database triggers from then on (installed after every ``migrate``; on
PostgreSQL also here, before the copy, so writes while it runs are kept too).

Not atomic: on PostgreSQL the index is built ``CONCURRENTLY`` after the copy
(as 0017's), so a live site's imports and editors are not blocked meanwhile.
At a million articles (2.9 million links) the copy and the index take about a
minute.
"""

from django.db import migrations, models

from articles import link_dates

INDEX = "article_topic_date"


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        link_dates.install(connection)
    link_dates.copy_all(connection)
    concurrently = "CONCURRENTLY " if connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX {concurrently}IF NOT EXISTS {INDEX} "
        "ON articles_taggedarticle (tag_id, published_at DESC, content_object_id DESC)"
    )


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    link_dates.uninstall(connection)
    concurrently = "CONCURRENTLY " if connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("articles", "0017_live_date_index")]

    operations = [
        migrations.AddField(
            model_name="taggedarticle",
            name="published_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="taggedarticle",
                    index=models.Index(
                        fields=["tag", "-published_at", "-content_object"], name=INDEX
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
        ),
    ]
