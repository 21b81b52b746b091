"""Querysets compiled to SQL once per process, then run again with new values.

Django builds and compiles a queryset's SQL afresh every time it is evaluated.
For most pages that is noise; on the public site's hottest pages it costs more
than the database does (an article page's five small queries took about 2 ms
of Python to build and compile, against 0.2 ms to run). ``PreparedQuerySet``
keeps the queries written with the ORM, compiles each once per database, and
on every later call only swaps the values in the parameter list. Rows still
become objects through Django's own iterable, so ``select_related``,
annotations, deferred fields and the backends' value converters behave as in
an ordinary queryset.

Placeholders stand only for scalar values a lookup sends as one parameter (a
slug, a primary key, an aware datetime compared with a ``DateTimeField``, as
in a list's cursor): a value that would change the SQL itself, such as
``None`` or a list for ``__in``, cannot be one. Datetimes are adapted per
database as ``DateTimeField`` does it (``adapt_datetimefield_value``), so a
datetime placeholder may only meet a ``DateTimeField``. Anything time-dependent must be computed by
the database (``Now()``), never baked in from Python at compile time.

The fast path leans on Django internals (a compiler's ``as_sql`` answered with
frozen text, a stand-in ``Query`` handed to ``QuerySet``). ``PREPARED_QUERIES``
chooses: ``auto`` (the default) runs it only on the Django versions it was
verified on (``VERIFIED_ON``), and on any other logs one warning and simply
evaluates the ORM queryset on every call, which is slower but cannot break;
``on`` forces the fast path, ``off`` the plain ORM. ``articles/bulk.py`` follows
the same setting for its COPY path. The tests run each page both ways and
compare what they show.
"""

import copy
import logging
from datetime import UTC, date, datetime

import django
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import QuerySet

logger = logging.getLogger(__name__)

# Django feature releases whose compiler and QuerySet internals the fast path was tested on.
VERIFIED_ON = ((5, 2),)

MODES = ("auto", "on", "off")
# What a settings file or an environment variable may say for each mode.
_SPELLINGS = {
    None: "auto", "": "auto", "auto": "auto",
    True: "on", "on": "on", "1": "on", "true": "on", "yes": "on",
    False: "off", "off": "off", "0": "off", "false": "off", "no": "off",
}
# Unverified releases already warned about, so the log says it once per process.
_warned = set()


def mode():
    """``PREPARED_QUERIES`` as ``"auto"``, ``"on"`` or ``"off"`` (booleans and None accepted)."""
    chosen = getattr(settings, "PREPARED_QUERIES", None)
    key = chosen.strip().lower() if isinstance(chosen, str) else chosen
    try:
        return _SPELLINGS[key]
    except (KeyError, TypeError):
        raise ImproperlyConfigured(
            f"PREPARED_QUERIES must be one of auto, on, off; it is {chosen!r}."
        ) from None


def use_fast_path(library, release, verified):
    """Whether a fast path verified on ``verified`` releases of ``library`` runs here.

    ``release`` is the running (major, minor). ``on``/``off`` decide alone;
    ``auto`` answers whether ``release`` was verified, warning once when not.
    """
    chosen = mode()
    if chosen != "auto":
        return chosen == "on"
    if tuple(release) in verified:
        return True
    if (library, tuple(release)) not in _warned:
        _warned.add((library, tuple(release)))
        logger.warning(
            "%s %s is not one the fast path was verified on (%s): using the plain fallback. "
            "Set PREPARED_QUERIES=on to force the fast path once verified.",
            library, ".".join(map(str, release)),
            ", ".join(".".join(map(str, v)) for v in verified) or "none",
        )
    return False


def fast_path_enabled():
    """True when prepared queries skip Django's compiler: the setting, or a verified Django."""
    return use_fast_path("Django", django.VERSION[:2], VERIFIED_ON)


class PreparedQuerySet:
    """``build(*placeholders)`` compiled once per database alias; call it with the real values.

    ``placeholders`` are example values of the right types (``0``, ``""``);
    ``build`` must pass each one straight into a filter. Calling the prepared
    queryset returns a list of model instances, as ``list(build(*values))`` would.
    """

    def __init__(self, build, *examples):
        self.build = build
        # Stand-ins for the values, found again in the compiled parameters.
        self._markers = [_marker(example, n) for n, example in enumerate(examples)]
        self._queryset = None
        self._compiled = {}

    def __call__(self, *values, using=None):
        if not fast_path_enabled():
            return self.evaluate(*values, using=using)
        model = self._template().model
        # Per call: the router may send this request's reads to a replica.
        alias = using or router.db_for_read(model)
        compiler, sql, frozen_params, slots = self._compile(alias)
        params = list(frozen_params)
        for index, position, adapt in slots:
            params[position] = adapt(values[index])
        run = copy.copy(compiler)
        # Connections belong to threads; the compiled one may be another thread's.
        run.connection = connections[alias]
        # execute_sql() asks the compiler for its SQL; answer with the frozen
        # text and this call's parameters instead of compiling again.
        run.as_sql = lambda *args, **kwargs: (sql, params)
        return list(QuerySet(model=model, query=_Compiled(run), using=alias))

    def evaluate(self, *values, using=None):
        """The plain-ORM path: build the queryset with ``values`` and evaluate it."""
        queryset = self.build(*values)
        return list(queryset.using(using) if using else queryset)

    def _template(self):
        # Built on first use, when the apps are loaded, not at import.
        if self._queryset is None:
            self._queryset = self.build(*self._markers)
        return self._queryset

    def _compile(self, alias):
        # Compiling twice in a race is harmless: both results are the same.
        if alias not in self._compiled:
            # The markers as the compiled parameters carry them (a datetime as SQLite's text).
            adapters = [_adapter(marker, connections[alias]) for marker in self._markers]
            markers = [adapt(marker) for adapt, marker in zip(adapters, self._markers, strict=True)]
            compiler = self._template().query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            slots = [
                (markers.index(param), position, adapters[markers.index(param)])
                for position, param in enumerate(params)
                if type(param) in (int, str, datetime) and param in markers
            ]
            missing = set(range(len(markers))) - {index for index, _, _ in slots}
            if missing:
                raise ValueError(f"placeholders {sorted(missing)} are not parameters of the compiled SQL")
            self._compiled[alias] = (compiler, sql, tuple(params), slots)
        return self._compiled[alias]


def _marker(example, n):
    """A value of ``example``'s type that no real query would use."""
    if isinstance(example, bool):
        raise TypeError("a boolean would change the SQL; it cannot be a placeholder")
    if isinstance(example, int):
        return -(2**62) + 7919 * n + 104_729
    if isinstance(example, str):
        return f"\x00placeholder-{n}\x00"
    if isinstance(example, datetime):
        # A thousand years before any article, to the microsecond.
        return datetime(1000 + n, 1, 1, 0, 0, 0, 104_729, tzinfo=UTC)
    if isinstance(example, date):
        raise TypeError("a date is adapted unlike a datetime; only datetimes can be placeholders")
    raise TypeError(f"placeholders must be int, str or datetime, not {type(example).__name__}")


def _same(value):
    return value


def _adapter(marker, conn):
    """How a placeholder's value becomes its parameter: datetimes as ``DateTimeField`` adapts them."""
    if isinstance(marker, datetime):
        return conn.ops.adapt_datetimefield_value
    return _same


class _Compiled:
    """What a QuerySet needs of its query at evaluation time: a compiler, already compiled."""

    def __init__(self, compiler):
        self.compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self.compiler
