"""The registry ``/metrics`` reads: this process's, or every worker's in multiprocess mode.

gunicorn runs several worker processes, and a scrape reaches only one of them.
With ``PROMETHEUS_MULTIPROC_DIR`` set (an empty folder, writable by the
workers, emptied before the server starts), prometheus_client writes each
worker's counters into that folder and ``MultiProcessCollector`` adds them up
at scrape time; ``newsroom/gunicorn.conf.py`` tells it when a worker exits.
Without it, the default registry of this process is used (one process:
``runserver``, tests).
"""

import os

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess

from .collectors import COLLECTORS


def multiprocess_dir():
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def build_registry():
    """A registry with the request metrics (this process's or all workers') and the database's."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        # The counters live in the default registry; the database collectors
        # are read per scrape, so they go in a registry of their own around it.
        registry = CollectorRegistry()
        registry.register(_Default())
    for collector in COLLECTORS:
        registry.register(collector)
    return registry


class _Default:
    """The default registry's metrics, as one collector of another registry."""

    def collect(self):
        return REGISTRY.collect()


def render():
    return generate_latest(build_registry())
