"""A narrow index of published articles, for joins that keep only live ones (PostgreSQL).

Search ranks the documents that match and then keeps the live ones: without
it, PostgreSQL checks liveness by reading the wide article rows (bodies
inline), which at 100,000 articles was most of a one-word search's time.
With the id and the schedule columns in a partial index of published
articles, that check is an index-only scan. SQLite's search joins the other
way round (from the FTS table by rowid), and an extra index would only slow
its imports, so it is created on PostgreSQL alone.
"""

from django.db import migrations

INDEX = "article_published_live"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON articles_article (id) "
            "INCLUDE (published_at, go_live_at, embargo_until, expire_at) "
            "WHERE status = 'published'"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [("articles", "0005_topics_label_child_ordering")]

    operations = [migrations.RunPython(create, drop)]
