"""Counts every request by view and status, and times it."""

import time

from .instruments import LATENCY, PAGE_CACHE, REQUESTS

# Anything else a client writes as its method is one label, not a new series.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def view_label(request):
    """The resolved view's name (``namespace:url_name``), or ``unresolved``: never the raw path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"
    return match.view_name or "unnamed"


class MetricsMiddleware:
    """Near the top of MIDDLEWARE, so the time includes the other middleware's work.

    The page cache (``articles.caching.public_page``) notes what it did on
    ``request.page_cache``; that is counted here, by view, with the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        took = time.perf_counter() - started
        view = view_label(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(view, method, str(response.status_code)).inc()
        LATENCY.labels(view).observe(took)
        cached = getattr(request, "page_cache", None)
        if cached:
            PAGE_CACHE.labels(view, cached).inc()
        return response
