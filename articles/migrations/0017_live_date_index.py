"""The published articles by date, with their schedule, for every public list (PostgreSQL).

Every list walks the live articles newest first and keeps its own (a topic's,
an author's, a story's). The date index it walked holds every article, drafts
and old withdrawn copies included, and each step read the wide article row to
test liveness: at a million articles a big topic's page walked 7,500 rows to
keep 21. This partial index holds only published articles, ordered as the lists
are (date, id) and carrying the schedule columns, so the walk skips the rest
and tests liveness from the index. 15 MB at a million.

Built ``CONCURRENTLY`` (the migration is not atomic), so a live site's imports
and editors are not blocked while it builds. SQLite's planner walks its own
date index well, and an extra index would only slow its imports: PostgreSQL only.
"""

from django.db import migrations

INDEX = "article_live_date"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON articles_article (published_at DESC, id DESC) "
            "INCLUDE (go_live_at, embargo_until, expire_at) WHERE status = 'published'"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("articles", "0016_import_run_progress")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
