import pytest
from django.db import connection

from search import search

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL engine")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite engine")


@pytest.fixture
def found(db):
    """``found(query, **options)``: titles of the matching articles, best first."""

    def titles(query, **options):
        return [article.title for article in search(query, **options)[:100]]

    return titles
