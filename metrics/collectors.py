"""Metrics read from the database when Prometheus scrapes: imports, the task queue, connections.

These describe the whole site rather than one worker (the importer runs in its
own process, the queue in the database), so they are counted where they live
instead of in each process. Each collector answers with what it could read: a
database that cannot be reached leaves its metrics out of that scrape (and
logs why) rather than failing the page.
"""

import logging

from django.apps import apps
from django.db import DatabaseError, connections
from django.db.models import Count, Q, Sum
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

logger = logging.getLogger(__name__)

IMPORT_OUTCOMES = ("created", "updated", "unchanged", "rejected")


class ImportCollector:
    """Import runs and the files they read, from the ``ImportRun`` rows the importer writes."""

    def collect(self):
        from articles.models import ImportRun

        try:
            totals = ImportRun.objects.aggregate(
                runs=Count("pk"),
                running=Count("pk", filter=Q(finished_at__isnull=True)),
                **{outcome: Sum(outcome) for outcome in IMPORT_OUTCOMES},
            )
        except DatabaseError:
            logger.exception("Metrics: could not read the import runs")
            return
        runs = CounterMetricFamily("newsroom_import_runs", "Import runs recorded (command and admin upload).")
        runs.add_metric([], totals["runs"])
        yield runs
        running = GaugeMetricFamily("newsroom_imports_running", "Import runs started and not finished.")
        running.add_metric([], totals["running"])
        yield running
        files = CounterMetricFamily(
            "newsroom_import_files", "Files read by import runs, by outcome.", labels=["outcome"]
        )
        for outcome in IMPORT_OUTCOMES:
            files.add_metric([outcome], totals[outcome] or 0)
        yield files


class TaskQueueCollector:
    """Tasks in the database queue (django_tasks_db) by status; nothing when that app is absent."""

    def collect(self):
        if not apps.is_installed("django_tasks_db"):
            return
        from django_tasks_db.models import DBTaskResult as model
        try:
            counts = dict(model.objects.order_by().values_list("status").annotate(n=Count("pk")))
        except DatabaseError:
            logger.exception("Metrics: could not read the task queue")
            return
        depth = GaugeMetricFamily("newsroom_task_queue_depth", "Tasks in the database queue, by status.",
                                  labels=["status"])
        statuses = [value for value, _ in model._meta.get_field("status").choices]
        for status in [*statuses, *sorted(set(counts) - set(statuses))]:
            depth.add_metric([status.lower()], counts.get(status, 0))
        yield depth


class DatabaseCollector:
    """Connections to each database.

    PostgreSQL: the server's own count for this database by state
    (``pg_stat_activity``), which covers every worker, the importer and the
    task workers. Other databases: the connections this process holds open.
    With a connection pool configured (``OPTIONS: {"pool": ...}``), also the
    pool's size, idle connections and waiting requests (this process's pool).
    """

    def collect(self):
        in_use = GaugeMetricFamily(
            "newsroom_db_connections", "Database connections by database alias and state.",
            labels=["database", "state"],
        )
        pool_size = GaugeMetricFamily("newsroom_db_pool_size", "Connections in the pool.", labels=["database"])
        pool_idle = GaugeMetricFamily("newsroom_db_pool_available", "Idle connections in the pool.",
                                      labels=["database"])
        pool_waiting = GaugeMetricFamily("newsroom_db_pool_waiting", "Requests waiting for a pooled connection.",
                                         labels=["database"])
        for alias in connections:
            conn = connections[alias]
            try:
                if conn.vendor == "postgresql":
                    for state, count in _server_connections(conn):
                        in_use.add_metric([alias, state], count)
                else:
                    in_use.add_metric([alias, "open"], 0 if conn.connection is None else 1)
            except Exception:  # one alias that cannot answer (a replica down) leaves out only itself
                logger.exception("Metrics: could not count the connections of %s", alias)
            # Django's pool support (5.1+) answers None when no pool is configured.
            pool = getattr(conn, "pool", None)
            stats = pool.get_stats() if pool is not None and hasattr(pool, "get_stats") else None
            if stats:
                pool_size.add_metric([alias], stats.get("pool_size", 0))
                pool_idle.add_metric([alias], stats.get("pool_available", 0))
                pool_waiting.add_metric([alias], stats.get("requests_waiting", 0))
        yield in_use
        yield pool_size
        yield pool_idle
        yield pool_waiting


def _server_connections(conn):
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() GROUP BY 1 ORDER BY 1"
        )
        return [(state.replace(" ", "_"), count) for state, count in cursor.fetchall()]


class Guarded:
    """``collector``, except that whatever it raises is logged and leaves its metrics out."""

    def __init__(self, collector):
        self.collector = collector

    def collect(self):
        try:
            # Gathered first: a failure halfway must not leave half a family in the page.
            families = list(self.collector.collect())
        except Exception:
            logger.exception("Metrics: %s failed", type(self.collector).__name__)
            return []
        return families


COLLECTORS = tuple(Guarded(c) for c in (ImportCollector(), TaskQueueCollector(), DatabaseCollector()))
