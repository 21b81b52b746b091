"""Prometheus metrics at ``/metrics``: requests, the page cache, imports, the task queue, the database.

See ``docs/scaling.md`` ("Metrics") and ``deploy/grafana/newsroom.json``.
"""
