"""What every public list page shares: live articles, newest first, a cursor page at a time."""

from datetime import UTC, datetime

from django.http import Http404

from articles.pagination import older_than, paginate_by_cursor
from articles.presenting import stories
from articles.queries import listed_articles
from newsroom.prepared import PreparedQuerySet

PAGE_SIZE = 20
INDEX_PAGE_SIZE = 200

# The first and older (?before=) pages of every list, compiled once per process
# (newsroom.prepared): one query per list function, number of rows fetched, types of
# its keys and whether it starts at a cursor. The functions are module- or
# class-level, never made per request, so this stays small.
_list_pages = {}
_CURSOR_EXAMPLE = (datetime(2000, 1, 1, tzinfo=UTC), 0)


def list_rows(articles_of, keys, limit, leave_out=(), cursor=None):
    """``limit`` articles of the list ``articles_of(*keys)``, after ``cursor`` ``(published_at, pk)`` if given.

    The query is compiled once and re-run with this call's keys and cursor.
    ``leave_out`` (ids shown above the list, such as the desk's pins) is
    dropped here rather than in SQL, so that a list of ids of any length does
    not change the query: as many more rows are fetched as may be dropped.
    """
    fetch = limit + len(leave_out)
    signature = (articles_of, fetch, tuple(type(key) for key in keys), cursor is None)
    prepared = _list_pages.get(signature)
    if prepared is None:
        if cursor is None:
            prepared = PreparedQuerySet(lambda *values: articles_of(*values)[:fetch], *keys)
        else:
            prepared = PreparedQuerySet(
                lambda *values: older_than(articles_of(*values[:-2]), *values[-2:])[:fetch],
                *keys, *_CURSOR_EXAMPLE,
            )
        _list_pages[signature] = prepared
    rows = prepared(*keys, *(cursor or ()))
    return [article for article in rows if article.pk not in leave_out][:limit]


def first_or_404(rows):
    """The first of a prepared query's ``rows``, or a 404 (as ``get_object_or_404``)."""
    if not rows:
        raise Http404("No such page.")
    return rows[0]


def older_rows(articles_of, keys, published_at, pk, limit, leave_out=()):
    """``list_rows`` from the cursor ``(published_at, pk)`` on: an older page."""
    return list_rows(articles_of, keys, limit, leave_out, cursor=(published_at, pk))


class PublicSiteMixin:
    """What every public page shares: live articles, newest first, a page at a time.

    A list says which articles it shows declaratively: ``list_articles(*keys)``
    builds them from the scalar values ``list_keys()`` returns (an id, a
    category, a date range). The first and older pages run it as a query
    compiled once per process (``list_rows``); newer pages (``?after=``) and
    the plain fallback evaluate the same queryset, so the paths cannot
    disagree. ``list_keys()`` returning None keeps a list on the plain ORM (a
    small topic is filtered by a list of ids). ``left_out()`` ids (the desk's
    pins) are excluded in SQL on the ORM path and in Python on the compiled one.

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
        keys, fetch = self.list_keys(), None
        if keys is not None:
            def fetch(limit, cursor=None):
                return list_rows(self.list_articles, keys, limit, self.left_out(), cursor)
        page = paginate_by_cursor(queryset, self.request, page_size, fetch=fetch)
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
