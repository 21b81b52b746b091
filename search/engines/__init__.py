"""One search engine per database backend, chosen from the connection in use.

Each engine module offers the same functions:

* ``matching(queryset, query)``: the articles of ``queryset`` that match a
  parsed ``Query``, annotated with ``rank`` (higher is better), best first;
* ``best(articles, query, limit, live)``: ``[(id, rank)]`` for the results page,
  which may rank a bounded set of candidates (the newest matches);
* ``snippets(query, ids, using)``: highlighted excerpt and body snippets;
* ``install`` / ``uninstall`` / ``rebuild`` / ``is_installed``: the triggers
  that keep the index in sync, and a full re-index.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from . import postgresql, sqlite

ENGINES = {"sqlite": sqlite, "postgresql": postgresql}


def engine_for(using="default"):
    """The engine module for database alias ``using``."""
    vendor = connections[using].vendor
    try:
        return ENGINES[vendor]
    except KeyError:
        raise ImproperlyConfigured(f"Search supports SQLite and PostgreSQL, not {vendor}.") from None
