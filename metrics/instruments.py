"""The metrics this process updates as it works: one counter or histogram each, named once here.

Labels are bounded on purpose: a view is its URL pattern's name
(``articles:detail``), never the path a client typed, so a crawler asking for
a million made-up URLs adds no series.

With ``PROMETHEUS_MULTIPROC_DIR`` set before the workers start, prometheus_client
keeps these values in files in that folder, and ``/metrics`` adds up every
worker's (``metrics.exposition``).
"""

from prometheus_client import Counter, Histogram

# Seconds: a cached page takes about a millisecond, a search at a million articles a few hundred.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "newsroom_http_requests",
    "HTTP requests answered, by view (URL pattern name), method and status code.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "newsroom_http_request_duration_seconds",
    "Time from the request reaching Django to the response leaving it, by view.",
    ["view"],
    buckets=LATENCY_BUCKETS,
)
PAGE_CACHE = Counter(
    "newsroom_page_cache_requests",
    "Public pages by what the page cache did: hit, miss (rendered and stored), "
    "not_modified (a 304), private (signed-in, never cached), uncached (caching off), down.",
    ["view", "result"],
)
