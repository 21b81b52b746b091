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
    ranked = engine.matching(articles, parsed) if parsed else articles.none()
    return SearchResults(parsed, ranked, engine, articles, live=live_only)


class SearchResults:
    """Articles matching a query, best first.

    ``queryset`` is an ordinary ``Article`` queryset annotated with ``rank``
    and ordered by it (the admin uses it directly). For pages, ``count()``
    ranks the matches once and keeps the ids of the best ``max_results``;
    a slice then fetches just those articles by key, with a ``snippet`` (safe
    HTML) each from one more query. A page of results costs three queries,
    however many match.

    Only the best ``max_results`` (ten pages) can be reached: knowing how
    many more there are means checking that each match is live, which for a
    common word costs more than ranking them, and readers refine a search
    rather than read page eleven. ``truncated`` tells whether there were more.
    On PostgreSQL the pages rank the newest matches only (see
    ``search.engines.postgresql.best``); ``queryset`` always ranks them all.
    """

    # Tells Paginator the order is deliberate.
    ordered = True
    max_results = 200

    def __init__(self, query, queryset, engine, articles, live=False):
        self.query = query
        self.live = live
        self.queryset = queryset
        self.engine = engine
        self._articles = articles
        self._ranked = None
        self.truncated = False

    def filter(self, *args, **kwargs):
        """Narrow the results like ``QuerySet.filter`` (topic, provider, dates...)."""
        return SearchResults(
            self.query, self.queryset.filter(*args, **kwargs), self.engine,
            self._articles.filter(*args, **kwargs), self.live,
        )

    def count(self):
        """How many results there are, up to ``max_results``."""
        if self._ranked is None:
            best = (
                self.engine.best(self._articles, self.query, self.max_results + 1, self.live)
                if self.query else []
            )
            self.truncated = len(best) > self.max_results
            self._ranked = best[:self.max_results]
        return len(self._ranked)

    def __len__(self):
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key:key + 1][0]
        self.count()
        ranks = dict(self._ranked[key])
        # By key from the unsearched queryset: the match is not run again.
        found = self._articles.filter(pk__in=ranks).in_bulk() if ranks else {}
        articles = [found[pk] for pk in ranks if pk in found]
        for article in articles:
            article.rank = ranks[article.pk]
        self._add_snippets(articles)
        return articles

    def _add_snippets(self, articles):
        found = self.engine.snippets(self.query, [a.pk for a in articles], self.queryset.db)
        substrings = [t.text for t in self.query.terms if t.needs_substring_match]
        for article in articles:
            excerpt, body = found.get(article.pk, ("", ""))
            article.snippet = highlight.snippet([(excerpt, False), (body, True)], substrings)
            article.title_html = highlight.words(article.title, self.query.terms)
