"""A table that lets a bulk writer hold the SQLite index's triggers (see ``search.engines.sqlite``).

SQLite only: PostgreSQL's statement-level triggers need no such hold.
Migrating also re-installs the triggers (``search.signals``), now with the
hold in their WHEN clauses.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("CREATE TABLE search_pause (held integer NOT NULL)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE search_pause")


class Migration(migrations.Migration):

    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
