"""The queued purge: run by a worker (``manage.py run_worker``), or at once with the immediate backend."""

from articles.signals import Changes
from tasks import task

from . import backends, purging


@task()
def purge(changes):
    """Purge the pages that show ``changes`` (a dict of :class:`Changes`' fields); returns the keys."""
    backend = backends.configured()
    if backend is None:
        return []
    names = purging.keys_for(Changes.of(**changes))
    if names:
        purging.purge_with_retries(backend, names)
    return names
