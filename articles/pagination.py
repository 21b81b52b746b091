"""Cursor pagination for the public lists: the last article's date and id, not an offset.

The thousandth page of a million articles costs what the first one does, and
no count of the whole list is ever needed.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q
from django.http import Http404

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def cursor_for(article):
    """The cursor of ``article`` in a list: its date (microseconds since 1970) and id."""
    micros = (article.published_at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}-{article.pk}"


def _parse_cursor(value):
    try:
        micros, pk = value.rsplit("-", 1)
        return _EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        raise Http404("Invalid page.") from None


@dataclass
class CursorPage:
    """One page of a list, with query strings for the newer and older neighbours."""

    object_list: list
    previous_query: str = ""
    next_query: str = ""

    def has_previous(self):
        return bool(self.previous_query)

    def has_next(self):
        return bool(self.next_query)

    def has_other_pages(self):
        return self.has_previous() or self.has_next()


def parse_cursor(value):
    """``(published_at, pk)`` of a cursor written by ``cursor_for``; a 404 for anything else."""
    return _parse_cursor(value)


def cursor_fields(queryset):
    """The fields ``queryset`` is ordered by: its date and the id that breaks ties.

    ``published_at`` and ``id`` (the articles' own order) unless the list orders
    by copies of them, as a big topic does by its links' (``ArticleQuerySet.on_topic``):
    the cursor then compares those, so the database walks the same index from it.
    """
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    names = [name.lstrip("-") for name in ordering[:2] if isinstance(name, str)]
    return tuple(names) if len(names) == 2 else ("published_at", "pk")


def older_than(queryset, published_at, pk):
    """The articles of ``queryset`` (newest first) after the one at ``(published_at, pk)``."""
    date, key = cursor_fields(queryset)
    # The plain range on the date lets the database walk its date index
    # from the cursor; the OR only breaks ties between equal dates.
    older = Q(**{f"{date}__lt": published_at}) | Q(**{f"{key}__lt": pk})
    return queryset.filter(older, **{f"{date}__lte": published_at})


def newer_than(queryset, published_at, pk):
    """The articles of ``queryset`` before the one at ``(published_at, pk)``, oldest first."""
    date, key = cursor_fields(queryset)
    newer = Q(**{f"{date}__gt": published_at}) | Q(**{f"{key}__gt": pk})
    return queryset.filter(newer, **{f"{date}__gte": published_at}).reverse()


def paginate_by_cursor(queryset, request, page_size, fetch_older=None, fetch=None):
    """Cut ``queryset`` (ordered newest first) into a ``CursorPage`` from ``?before=``/``?after=``.

    ``fetch_older(published_at, pk, limit)``, when given, answers for an older
    page (``?before=``) instead of ``older_than(queryset, ...)[:limit]``: the
    same rows from a query compiled once (``newsroom.prepared``). ``fetch(limit,
    cursor=None)`` answers for the first page and older ones alike.
    """
    if fetch is not None and fetch_older is None:
        def fetch_older(published_at, pk, limit):
            return fetch(limit, (published_at, pk))
    before, after = request.GET.get("before"), request.GET.get("after")
    if after:
        published_at, pk = _parse_cursor(after)
        rows = list(newer_than(queryset, published_at, pk)[: page_size + 1])
        items = rows[:page_size][::-1]
        return CursorPage(
            items,
            previous_query=f"after={cursor_for(items[0])}" if len(rows) > page_size else "",
            next_query=f"before={cursor_for(items[-1])}" if items else "",
        )
    if before:
        published_at, pk = _parse_cursor(before)
        if fetch_older is not None:
            rows = list(fetch_older(published_at, pk, page_size + 1))
        else:
            rows = list(older_than(queryset, published_at, pk)[: page_size + 1])
    elif fetch is not None:
        rows = list(fetch(page_size + 1))
    else:
        rows = list(queryset[: page_size + 1])
    items = rows[:page_size]
    return CursorPage(
        items,
        previous_query=f"after={cursor_for(items[0])}" if before and items else "",
        next_query=f"before={cursor_for(items[-1])}" if len(rows) > page_size else "",
    )
