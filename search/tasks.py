"""The search index's recurring check (run by the workers, tasks/recurring.py)."""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from tasks import task
from tasks.recurring import every, seconds

from .engines import engine_for


def repair_if_out_of_date(using=DEFAULT_DB_ALIAS):
    """Rebuild the index (and reinstall its triggers) only if it no longer matches the articles.

    The triggers keep the index current on every write; this catches what
    bypassed them (a restore with triggers off, a hand-edited database) by
    comparing counts and the trigger list, which costs milliseconds, rather
    than re-indexing every article each time. An article whose text changed
    behind the triggers' back is not detected; ``manage.py rebuild_search_index``
    remains for that.
    """
    connection = connections[using]
    engine = engine_for(using)
    if not engine.is_installed(connection):
        return "search index not installed (migrations not run)"
    reason = engine.out_of_date(connection)
    if reason is None:
        return "search index up to date"
    with transaction.atomic(using=using):
        engine.install(connection)
        engine.rebuild(connection)
    return f"search index rebuilt ({reason})"


@every(seconds(settings.JOB_SEARCH_INDEX_CHECK_SECONDS))
@task()
def check_search_index():
    return repair_if_out_of_date()
