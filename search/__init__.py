"""Ranked full-text search over articles, on PostgreSQL and SQLite.

    from search import search
    results = search('solar "supply chain" -crypto')          # live articles only
    results = results.filter(provider=provider)                # narrow like a queryset
    page = Paginator(results, 20).get_page(1)                  # ranked, with .snippet

The index lives in the database and is kept current by triggers (see
``search/engines/``), so every write path is reflected in the next search.
"""


def search(query, *, live_only=True, queryset=None):
    """Articles matching ``query`` (text or a parsed ``search.query.Query``), best first.

    Only ``Article.objects.live()`` unless ``live_only`` is false (the admin).
    ``queryset`` narrows (or ``select_related``s) the articles searched.
    Returns a ``SearchResults``: countable and sliceable, so ``Paginator``
    takes it as is; sliced articles carry ``rank`` and ``snippet``.
    """
    # Imported here: the package is imported while Django loads apps, before models exist.
    from .results import search as _search

    return _search(query, live_only=live_only, queryset=queryset)


def deferred_indexing(using="default"):
    """For bulk writers, inside their transaction: index what they wrote once, at the end.

        with transaction.atomic(), deferred_indexing() as touched:
            ...write articles and topic links...
            touched.update(article_ids)

    Every article written in the block must be added to ``touched``.
    """
    from django.db import connections

    from .engines import engine_for

    return engine_for(using).deferred(connections[using])
