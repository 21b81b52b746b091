"""Search results: a ranked article queryset, plus snippets for the rows shown."""

from articles.models import Article

from . import highlight
from .engines import engine_for
from .query import Query, parse


def search(query, *, live_only=True, queryset=None):
    """See ``search.search``."""
    parsed = query if isinstance(query, Query) else parse(query)
    articles = Article.objects.all() if queryset is None else queryset
    if live_only:
        articles = articles.live()
    engine = engine_for(articles.db)
    if parsed:
        articles = engine.matching(articles, parsed)
    else:
        articles = articles.none()
    return SearchResults(parsed, articles, engine)


class SearchResults:
    """Articles matching a query, best first.

    ``queryset`` is an ordinary ``Article`` queryset annotated with ``rank``
    (the admin uses it directly). Slicing runs it and adds a ``snippet`` (safe
    HTML) to each article with one more query for the whole slice, so a page
    of results costs a fixed number of queries.

    Only the best ``max_results`` (ten pages) can be reached: counting every
    match of a common word means checking that each one is live, which costs
    more than ranking them, and readers refine a search rather than read page
    eleven. ``truncated`` tells whether there were more.
    """

    # Tells Paginator the order is deliberate.
    ordered = True
    max_results = 200

    def __init__(self, query, queryset, engine):
        self.query = query
        self.queryset = queryset
        self.engine = engine
        self._count = None
        self.truncated = False

    def filter(self, *args, **kwargs):
        """Narrow the results like ``QuerySet.filter`` (topic, provider, dates...)."""
        return SearchResults(self.query, self.queryset.filter(*args, **kwargs), self.engine)

    def count(self):
        """How many results there are, up to ``max_results``."""
        if self._count is None:
            # Unordered and bare, so the database stops at the limit without ranking.
            found = self.queryset.order_by().values("pk")[:self.max_results + 1].count()
            self.truncated = found > self.max_results
            self._count = min(found, self.max_results)
        return self._count

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
            excerpt, body = found.get(article.pk, ("", ""))
            article.snippet = highlight.snippet([(excerpt, False), (body, True)], substrings)
