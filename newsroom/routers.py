"""Read replicas: anonymous public reads go to the ``replica`` database, everything else to ``default``.

Routing is by *request*, not by model. The same ``Article`` table is read by
readers (who may see rows a second old), by the editorial admin and the
workflow (whose optimistic locking on ``Article.version`` must see the
latest row), and by the importer. So :class:`ReplicaReadMiddleware` decides
once per request whether its reads may go to the replica and records that in
a context variable; :class:`ReplicaRouter` only reads that variable.

A request's reads go to the replica when all of these hold:

* a replica is configured (``DATABASE_REPLICA_URL``, which sets
  ``settings.REPLICA_DATABASE``);
* it is a ``GET`` or ``HEAD``;
* it carries no session cookie (the same test the public page cache uses:
  signed-in editors see previews and must see their own writes);
* it is not under the admin, a share link (a revoked link must stop working
  at once, not after the replica catches up) or ``/healthz``.

Writes always go to ``default``, and so does every read made inside a
transaction on ``default`` (code that writes and then reads its own rows), as
do ``select_for_update()`` reads (Django sends them through ``db_for_write``).
Code running outside a request (management commands, the importer, tests)
never sets the variable and reads the primary.
"""

import contextvars

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# The alias reads of the current request may use; None: the primary.
_read_alias = contextvars.ContextVar("newsroom_read_alias", default=None)

# Paths whose reads must be as fresh as the primary even for anonymous GETs.
_PRIMARY_ONLY_PREFIXES = ("/share/", "/healthz")


def read_alias():
    """The alias the current request reads from, or None for the primary."""
    return _read_alias.get()


class ReplicaRouter:
    """Send reads to the alias the request's middleware chose; writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        if alias is None:
            return None
        # Inside a transaction on the primary, a read may be of rows the same
        # transaction wrote: only the primary has them.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica follows the primary's schema by replication.
        return db == DEFAULT_DB_ALIAS


def _admin_prefix():
    from .middleware import _admin_prefix

    return _admin_prefix()


def reads_from_replica(request):
    """Whether this request's reads may use the replica (see the module's docstring)."""
    if not getattr(settings, "REPLICA_DATABASE", None):
        return False
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    path = request.path
    return not path.startswith((_admin_prefix(), *_PRIMARY_ONLY_PREFIXES))


class ReplicaReadMiddleware:
    """Choose the database a request reads from, for :class:`ReplicaRouter`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not reads_from_replica(request):
            return self.get_response(request)
        token = _read_alias.set(settings.REPLICA_DATABASE)
        try:
            return self.get_response(request)
        finally:
            _read_alias.reset(token)
