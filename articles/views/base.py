"""What every public list page shares: live articles, newest first, a cursor page at a time."""

from datetime import UTC, datetime

from articles.pagination import older_than, paginate_by_cursor
from articles.presenting import stories
from articles.queries import listed_articles
from newsroom.prepared import PreparedQuerySet

PAGE_SIZE = 20
INDEX_PAGE_SIZE = 200

# Older pages (?before=) of every list, compiled once per process (newsroom.prepared):
# one query per list function, number of rows fetched and types of its keys. The
# functions are module- or class-level, never made per request, so this stays small.
_older_pages = {}
_CURSOR_EXAMPLE = (datetime(2000, 1, 1, tzinfo=UTC), 0)


def older_rows(articles_of, keys, published_at, pk, limit, leave_out=()):
    """``limit`` articles of the list ``articles_of(*keys)`` after the cursor ``(published_at, pk)``.

    The query is compiled once and re-run with this call's keys and cursor.
    ``leave_out`` (ids shown above the list, such as the desk's pins) is
    dropped here rather than in SQL, so that a list of ids of any length does
    not change the query: as many more rows are fetched as may be dropped.
    """
    fetch = limit + len(leave_out)
    signature = (articles_of, fetch, tuple(type(key) for key in keys))
    prepared = _older_pages.get(signature)
    if prepared is None:
        prepared = _older_pages[signature] = PreparedQuerySet(
            lambda *values: older_than(articles_of(*values[:-2]), *values[-2:])[:fetch],
            *keys, *_CURSOR_EXAMPLE,
        )
    return [article for article in prepared(*keys, published_at, pk) if article.pk not in leave_out][:limit]


class PublicSiteMixin:
    """What every public page shares: live articles, newest first, a page at a time.

    A list says which articles it shows declaratively: ``list_articles(*keys)``
    builds them from the scalar values ``list_keys()`` returns (an id, a
    category, a date range). The first page evaluates that queryset; older
    pages run the same function through a query compiled once per process
    (``older_rows``), so the two cannot disagree. ``list_keys()`` returning
    None keeps a list on the plain ORM (a small topic is filtered by a list of ids).

    Staff with change permission may preview what is not live (the article
    page asks ``can_preview``); nothing else on the public site differs for them.
    """

    paginate_by = PAGE_SIZE
    heading = ""
    lists_articles = True
    # What the page cache keys on (articles/caching.py): the cursor, nothing else.
    query_parameters = ("before", "after")
    list_articles = staticmethod(listed_articles)

    def list_keys(self):
        """The values ``list_articles`` takes for this request (ints, strings, aware datetimes)."""
        return ()

    def left_out(self):
        """Ids of articles shown above the list, which no page of it repeats."""
        return ()

    def get_queryset(self):
        articles = self.list_articles(*(self.list_keys() or ()))
        left_out = self.left_out()
        return articles.exclude(pk__in=left_out) if left_out else articles

    def paginate_queryset(self, queryset, page_size):
        keys, fetch_older = self.list_keys(), None
        if keys is not None:
            def fetch_older(published_at, pk, limit):
                return older_rows(self.list_articles, keys, published_at, pk, limit, self.left_out())
        page = paginate_by_cursor(queryset, self.request, page_size, fetch_older=fetch_older)
        return None, page, page.object_list, page.has_other_pages()

    def can_preview(self):
        return self.request.user.has_perm("articles.change_article")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("heading", self.heading)
        context = super().get_context_data(**kwargs)
        if self.lists_articles:
            context["stories"] = self.stories_for(context["object_list"])
        return context

    def stories_for(self, articles):
        return stories(articles)
