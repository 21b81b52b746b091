"""A to Z as readers expect it: ignoring case and accents ("école" between "Eclipse" and "Egypt").

Databases sort text by code point by default, which puts "facial recognition"
after "Wildfires" and "Éclairage" after "Zoo". ``Alphabetical(expression)``
orders by a collation that does not: PostgreSQL's ICU root collation
(``und-x-icu``, in every build with ICU, the default since PostgreSQL 16), and
on SQLite a collation registered on each new connection. Other databases get
a case-insensitive order only.
"""

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import Func
from django.db.models.functions import Lower

SQLITE_COLLATION = "newsroom_alphabetical"
POSTGRESQL_COLLATION = "und-x-icu"


def fold(text):
    """``text`` lower-cased without its accents: the primary sort key."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _compare(left, right):
    # Ties between "resume" and "résumé" fall back to the text itself, so the
    # order is total and stable across pages.
    a, b = (fold(left), left), (fold(right), right)
    return (a > b) - (a < b)


def _register(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, _compare)


def connect():
    """Register the SQLite collation on every new connection; called from ``ready()``."""
    connection_created.connect(_register, dispatch_uid="articles-alphabetical-collation")


class Alphabetical(Func):
    """``expression`` for ``order_by``, compared ignoring case and accents."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=f'%(expressions)s COLLATE "{SQLITE_COLLATION}"', **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=f'%(expressions)s COLLATE "{POSTGRESQL_COLLATION}"', **extra)

    def as_sql(self, compiler, connection, **extra):
        if connection.vendor not in ("sqlite", "postgresql"):
            return Lower(*self.source_expressions).as_sql(compiler, connection)
        return super().as_sql(compiler, connection, **extra)
