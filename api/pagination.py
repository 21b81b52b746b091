"""Cursor pagination for the API's lists, in the order the site's pages use."""

from rest_framework.pagination import CursorPagination


class NewestFirst(CursorPagination):
    """Newest first by publication date, the id breaking ties, as every public list orders.

    The cursor is opaque (DRF's): a client follows ``next`` and ``previous``.
    The thousandth page costs what the first one does; no count is made.
    """

    ordering = ("-published_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class ByKey(CursorPagination):
    """For topics, providers and authors: by their unique slug (or key), A to Z."""

    ordering = ("slug",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
