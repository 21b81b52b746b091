"""HTTP for the read API: the pages' conditional GET and cache, after a per-client rate limit.

Every list and detail is wrapped in ``articles.caching.public_page``, the
decorator the HTML pages use: an ``ETag`` and ``Last-Modified`` from the
site-wide content version (a 304 when unchanged), ``Cache-Control: public,
max-age=0, must-revalidate`` so a withdrawn article disappears at once, and
the rendered answer kept until the next content change.

The rate limit runs first, so cached answers and 304s count too: a client's
allowance is what it asks for, not what happened to be cached. So does the
check of ``Accept`` (406 unless JSON is acceptable).
"""

import json
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

from articles.caching import public_page
from newsroom.clients import client_address

from .errors import error_body


class ApiRateThrottle(AnonRateThrottle):
    """``API_RATE_LIMIT`` requests per client address, counted in Django's default cache.

    In production the cache is Redis (``CACHE_URL``), so every app server
    counts against the same allowance. The address is the one the declared
    proxies vouch for (``newsroom.clients``), as for search and sign-in.
    """

    scope = "api"

    def get_rate(self):
        return getattr(settings, "API_RATE_LIMIT", "") or None

    def get_ident(self, request):
        return client_address(request) or "unknown"


def _json_error(status, code, message):
    response = HttpResponse(json.dumps(error_body(code, message)), content_type="application/json", status=status)
    response["Cache-Control"] = "no-store"
    return response


def accepts_json(request):
    """Whether the request's ``Accept`` allows JSON, as DRF's negotiation decides it.

    Checked before the page cache, which would otherwise replay a stored JSON
    answer to a client that asked for something else.
    """
    try:
        DefaultContentNegotiation().select_renderer(Request(request), [JSONRenderer()])
    except NotAcceptable:
        return False
    return True


def too_many_requests(wait):
    seconds = max(1, int(wait or 1))
    response = _json_error(429, "throttled", f"Too many requests. Try again in {seconds} seconds.")
    response["Retry-After"] = str(seconds)
    return response


def api_page(params=()):
    """Decorate an API view: rate limit, then the public pages' caching and conditional GET."""

    def decorator(view):
        cached = public_page(max_age=0, params=params)(view)

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            throttle = ApiRateThrottle()
            if throttle.rate and not throttle.allow_request(request, None):
                return too_many_requests(throttle.wait())
            if not accepts_json(request):
                return _json_error(406, "not_acceptable", "This API answers in JSON (application/json) only.")
            return cached(request, *args, **kwargs)

        return wrapped

    return decorator
