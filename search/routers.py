"""Keep the search index out of Django's data commands.

The index tables are derived data kept by database triggers, and each engine's
table exists only on its own database (``search_document`` on PostgreSQL,
``search_fts``/``search_cjk`` on SQLite). Their unmanaged models exist for
reading through joins only. Saying they do not migrate anywhere keeps
``dumpdata`` (and ``loaddata``, which would fight the triggers) away from
them on every database; ``rebuild_search_index`` recreates the index.
"""

INDEX_MODELS = frozenset({"sqliteindexentry", "sqlitecjkentry", "postgresindexentry"})


class SearchIndexRouter:
    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == "search" and model_name in INDEX_MODELS:
            return False
        return None
