"""HTTP for the read API: the pages' conditional GET and cache, after a per-client rate limit.

Every list and detail is wrapped in ``articles.caching.public_page``, the
decorator the HTML pages use: an ``ETag`` and ``Last-Modified`` from the
site-wide content version (a 304 when unchanged), ``Cache-Control: public,
max-age=0, must-revalidate`` so a withdrawn article disappears at once, and
the rendered answer kept until the next content change.

The rate limit runs first, so cached answers and 304s count too: a client's
allowance is what it asks for, not what happened to be cached. So does the
check of ``Accept`` (406 unless JSON is acceptable).

A request with an ``Authorization`` header is a token's (``ingest``'s API
tokens, ``Bearer``): it must be a valid, unrevoked token with the ``read``
scope (else a JSON 401 or 403, never an anonymous answer), it is counted by
``ReadTokenRateThrottle`` instead of the per-address limit, and its answer is
built fresh, ``Cache-Control: private, no-store``: never taken from, nor put
in, the page cache anonymous readers share, nor kept by a CDN. Every answer
varies on ``Authorization``, so a shared cache never answers a token's
request with an anonymous reader's copy either. The content is the same
``live()`` set for both.
"""

import json
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from rest_framework.exceptions import AuthenticationFailed, NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

from articles.caching import declared_parameters, keep_declared_query, public_page
from ingest.authentication import TokenAuthentication
from ingest.throttling import ReadTokenRateThrottle
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


def _unauthorized(code, message):
    response = _json_error(401, code, message)
    response["WWW-Authenticate"] = TokenAuthentication().authenticate_header(None)
    return response


def read_token(request):
    """``(token, None)`` for a valid read-scope token in ``Authorization``, else ``(None, the JSON error)``.

    Only for requests that carry the header: an unknown, revoked or malformed
    token, or another scheme, is a 401; a token without the ``read`` scope a 403.
    """
    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed as failure:
        return None, _unauthorized(failure.get_codes(), failure.detail)
    if found is None:
        return None, _unauthorized(
            "invalid_token", "The read API takes an API token as 'Authorization: Bearer <token>', or none."
        )
    _, token = found
    if not token.has_scope("read"):
        return None, _json_error(403, "wrong_scope", "This API token does not have the 'read' scope.")
    return token, None


def _token_answer(request, view, names, args, kwargs):
    """A read-scope token's request: its own rate limit, then the view, fresh and private."""
    token, refused = read_token(request)
    if refused is not None:
        # A refused token costs its address the anonymous allowance: made-up tokens are
        # no way around the per-address limit.
        throttle = ApiRateThrottle()
        if throttle.rate and not throttle.allow_request(request, None):
            refused = too_many_requests(throttle.wait())
    else:
        # The throttle reads the token as DRF's request.auth; the view itself needs no user.
        authenticated = Request(request)
        authenticated.auth = token
        throttle = ReadTokenRateThrottle()
        if not throttle.allow_request(authenticated, None):
            refused = too_many_requests(throttle.wait())
        elif not accepts_json(request):
            refused = _json_error(406, "not_acceptable", "This API answers in JSON (application/json) only.")
    if refused is not None:
        patch_vary_headers(refused, ["Authorization"])
        return refused
    if request.method in ("GET", "HEAD"):
        # The same parameters as anonymous readers, so the same request means the same thing.
        keep_declared_query(request, names)
    request.page_cache = "private"
    response = view(request, *args, **kwargs)
    response["Cache-Control"] = "private, no-store"
    patch_vary_headers(response, ["Authorization"])
    return response


def api_page(params=()):
    """Decorate an API view: rate limit, then the public pages' caching and conditional GET.

    Requests with an ``Authorization`` header take the token's way instead
    (``_token_answer``): no page cache, no shared copy.
    """

    def decorator(view):
        cached = public_page(max_age=0, params=params)(view)
        names = declared_parameters(view, params)

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if "HTTP_AUTHORIZATION" in request.META:
                return _token_answer(request, view, names, args, kwargs)
            throttle = ApiRateThrottle()
            if throttle.rate and not throttle.allow_request(request, None):
                response = too_many_requests(throttle.wait())
            elif not accepts_json(request):
                response = _json_error(406, "not_acceptable", "This API answers in JSON (application/json) only.")
            else:
                response = cached(request, *args, **kwargs)
            # A shared cache must not answer a token's request with this anonymous copy.
            patch_vary_headers(response, ["Authorization"])
            return response

        return wrapped

    return decorator
