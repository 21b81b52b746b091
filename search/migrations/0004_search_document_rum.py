"""The RUM index of published documents by date, where the extension can be had.

``search.engines.postgresql.best`` finds the newest matches of a search with
it; without it (the package missing, or a database user that may not create
extensions) searches take the GIN path, with the same results, slower at a
million articles. Created later by an administrator (``CREATE EXTENSION rum``),
the recurring index check notices and builds the index. PostgreSQL only.
"""

from django.db import migrations


def add(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        from search.engines import postgresql

        postgresql.add_rum_index(connection)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # The extension stays: other databases of the server may use it.
        schema_editor.execute("DROP INDEX IF EXISTS search_document_rum")


class Migration(migrations.Migration):

    dependencies = [("search", "0003_search_document_published_at")]

    operations = [migrations.RunPython(add, drop)]
