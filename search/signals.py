"""Keep the index's triggers alive across migrations.

On SQLite, Django alters a table by building a new one and dropping the old,
which silently drops that table's triggers, and refuses to finish when a
trigger elsewhere mentions the table being rebuilt. So before migrations
that will change something run, the triggers come off; afterwards they are
put back and the index is rebuilt, since the migrations may have written
articles with no trigger to see it. PostgreSQL alters tables in place, so
there the triggers are only (re)installed: that also deploys changed
trigger code without a migration of its own.
"""

from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate

from .engines import engine_for


def before_migrate(sender, using, plan=None, **kwargs):
    """Drop the SQLite triggers if any migration is about to run."""
    connection = connections[using]
    engine = engine_for(using)
    if plan and connection.vendor == "sqlite" and engine.is_installed(connection):
        engine.uninstall(connection)


def after_migrate(sender, using, plan=None, **kwargs):
    """(Re)install the triggers; on SQLite rebuild the index if migrations ran."""
    connection = connections[using]
    engine = engine_for(using)
    if not engine.is_installed(connection):
        return
    engine.install(connection)
    if plan and connection.vendor == "sqlite":
        engine.rebuild(connection)


def connect():
    """Called once from ``SearchConfig.ready()``; runs once per ``migrate``, not per app."""
    from django.apps import apps

    config = apps.get_app_config("search")
    pre_migrate.connect(before_migrate, sender=config, dispatch_uid="search-before-migrate")
    post_migrate.connect(after_migrate, sender=config, dispatch_uid="search-after-migrate")
