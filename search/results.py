"""Search results: a ranked article queryset, plus snippets for the rows shown."""

from articles.models import Article

from . import highlight
from .engines import engine_for
from .query import Query, parse

ORDERING = ("-rank", "-published_at", "-id")


def search(query, *, live_only=True, queryset=None):
    """See ``search.search``."""
    parsed = query if isinstance(query, Query) else parse(query)
    articles = Article.objects.all() if queryset is None else queryset
    if live_only:
        articles = articles.live()
    engine = engine_for(articles.db)
    if parsed:
        articles = engine.matching(articles, parsed).order_by(*ORDERING)
    else:
        articles = articles.none()
    return SearchResults(parsed, articles, engine)


class SearchResults:
    """Articles matching a query, best first.

    ``queryset`` is an ordinary ``Article`` queryset annotated with ``rank``
    (the admin uses it directly). Slicing runs it and adds a ``snippet`` (safe
    HTML) to each article with one more query for the whole slice, so a page
    of results costs a fixed number of queries.
    """

    # Tells Paginator the order is deliberate.
    ordered = True

    def __init__(self, query, queryset, engine):
        self.query = query
        self.queryset = queryset
        self.engine = engine

    def filter(self, *args, **kwargs):
        """Narrow the results like ``QuerySet.filter`` (topic, provider, dates...)."""
        return SearchResults(self.query, self.queryset.filter(*args, **kwargs), self.engine)

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key:key + 1][0]
        articles = list(self.queryset[key])
        self._add_snippets(articles)
        return articles

    def _add_snippets(self, articles):
        found = self.engine.snippets(self.query, [a.pk for a in articles], self.queryset.db)
        substrings = [t.text for t in self.query.terms if t.needs_substring_match]
        for article in articles:
            excerpt, body = found.get(article.pk, (None, None))
            article.snippet = highlight.snippet(
                candidates=[(excerpt, False), (body, True)],
                fallbacks=[(article.excerpt, False), (article.body, True)],
                substrings=substrings,
            )
