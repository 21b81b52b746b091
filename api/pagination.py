"""Cursor pagination for the API's lists, in the order the site's pages use."""

from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class CheckedCursor(CursorPagination):
    """DRF's cursor, with its position checked before it reaches the database.

    The cursor is base64 the client may forge: a position that is no value of
    the ordering column (a date that is no date, a NUL character) would fail in
    the query, a 500. It is an invalid cursor instead (a JSON 404, as DRF
    answers any cursor it cannot read).
    """

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and not self.valid_position(cursor.position):
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def valid_position(self, position):
        return "\x00" not in position


class NewestFirst(CheckedCursor):
    """Newest first by publication date, the id breaking ties, as every public list orders.

    The cursor is opaque (DRF's): a client follows ``next`` and ``previous``.
    The thousandth page costs what the first one does; no count is made.
    """

    ordering = ("-published_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def valid_position(self, position):
        try:
            return super().valid_position(position) and parse_datetime(position) is not None
        except ValueError:
            return False


class ByKey(CheckedCursor):
    """For topics, providers and authors: by their unique slug (or key), A to Z."""

    ordering = ("slug",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
