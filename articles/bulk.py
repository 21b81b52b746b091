"""Plain INSERTs for the importer's volume of rows.

A big import writes tens of thousands of rows. Building and compiling each
through ``bulk_create`` (field by field: ``pre_save``, ``get_db_prep_save``,
SQL compilation per row) cost more than the database itself: measured at
about half of an import's write time. These send the same values with one
``executemany`` per table (one ``COPY`` on PostgreSQL). JSON and datetime
values go through the backend's own adapters (what ``get_db_prep_save`` ends
in), so the SQL stays portable across SQLite and PostgreSQL.

No signals are sent and no primary keys come back, exactly as with
``bulk_create`` on a backend without RETURNING: callers look rows up by a
natural key when they need the ids.

``COPY`` goes through psycopg's own cursor under Django's wrapper: it is used
only with the psycopg releases it was verified on (``COPY_VERIFIED_ON``), and
otherwise (one warning in the log) the rows go through ``executemany`` like on
SQLite (slower, never broken). ``PREPARED_QUERIES=on``/``off`` forces either
path, as for ``newsroom.prepared``. The tests write the same rows both ways
and compare them.
"""

import itertools
from contextlib import nullcontext
from functools import partial

from django.db import connections, models, router
from django.utils import timezone

from newsroom.prepared import use_fast_path

# psycopg feature releases whose Cursor.copy() / write_row() the COPY path was tested on.
COPY_VERIFIED_ON = ((3, 2), (3, 3))


def copy_supported(conn):
    """True when ``conn`` is PostgreSQL through psycopg 3 and ``PREPARED_QUERIES`` allows COPY.

    ``auto``: only on a psycopg release the COPY path was tested on.
    """
    if conn.vendor != "postgresql":
        return False
    try:
        import psycopg
    except ImportError:  # psycopg2: no Cursor.copy()
        return False
    return use_fast_path("psycopg", psycopg_release(psycopg.__version__), COPY_VERIFIED_ON)


def psycopg_release(version):
    """(major, minor) of a psycopg version string ("3.3.9", "3.4.0b1"); (0, 0) if unreadable."""
    parts = []
    for part in version.split(".")[:2]:
        digits = "".join(itertools.takewhile(str.isdigit, part))
        if not digits:
            return (0, 0)
        parts.append(int(digits))
    return tuple(parts) if len(parts) == 2 else (0, 0)


def insert_rows(model, field_names, rows):
    """INSERT tuples of values for ``field_names`` (field names, FKs by name) into ``model``."""
    if not rows:
        return
    # The real connection, not django.db.connection: that proxy looks the
    # connection up again on every attribute access, per value.
    conn = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in field_names]
    quote = conn.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    adapters = [_adapter(f, conn) for f in fields]
    params = [
        [
            value if adapt is None or value is None else adapt(value)
            for adapt, value in zip(adapters, row, strict=True)
        ]
        for row in rows
    ]
    if copy_supported(conn):
        _copy(conn, model, fields, params)
        return
    with conn.cursor() as cursor:
        cursor.executemany(sql, params)


def _copy(conn, model, fields, rows):
    """PostgreSQL: the same rows through one ``COPY ... FROM STDIN``.

    ``executemany`` runs one INSERT per row, so each row also fired the
    search index's statement-level triggers on its own (a refresh of the
    article's search document per article, and again per topic link). COPY
    is one statement: the triggers run once with every row in their
    transition table, and the server parses nothing per row. It runs in the
    caller's transaction, like the INSERTs.
    """
    quote = conn.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    # Django's cursor wrapper has no copy(); the psycopg 3 cursor under it does.
    # Errors become Django's (IntegrityError...), as a query's would, so the
    # importer's retry file by file still catches them.
    # When queries are logged (DEBUG, tests' query counts) the COPY is logged as one query.
    with conn.cursor() as cursor, conn.wrap_database_errors:
        logged = cursor.debug_sql(sql) if hasattr(cursor, "debug_sql") else nullcontext()
        with logged, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def _adapter(field, conn):
    """What ``field.get_db_prep_save`` does to a non-None value, minus the generic checks.

    The importer hands over aware datetimes and plain JSON data, already
    validated; None stays SQL NULL, as with ``get_db_prep_save``.
    """
    if isinstance(field, models.DateTimeField):
        return conn.ops.adapt_datetimefield_value
    if isinstance(field, models.JSONField):
        return partial(conn.ops.adapt_json_value, encoder=field.encoder)
    return None


def insert_objects(model, objs):
    """INSERT unsaved instances of ``model`` as they are, filling auto_now(_add) dates.

    The instances' primary keys stay unset: this is for rows nobody reads
    back (audit rows) or that the caller fetches by a unique key.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    now = timezone.now()
    rows = []
    for obj in objs:
        for f in stamped:
            setattr(obj, f.attname, now)
        rows.append([getattr(obj, f.attname) for f in fields])
    insert_rows(model, [f.name for f in fields], rows)
