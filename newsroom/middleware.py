"""Site-wide middleware: request log lines, Content-Security- and Permissions-Policy, a friendly 503.

Every app server is interchangeable behind the load balancer, so none of
these keep state of their own.
"""

import functools
import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.urls import reverse

logger = logging.getLogger("newsroom.request")

# What "the database or the cache cannot be reached" looks like: lost or
# refused connections, not a bad query (that stays a 500, and a bug).
UNAVAILABLE = [OperationalError, InterfaceError]
try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    UNAVAILABLE += [RedisConnectionError, RedisTimeoutError]
except ImportError:  # pragma: no cover - redis is a pinned dependency
    pass
UNAVAILABLE = tuple(UNAVAILABLE)
RETRY_AFTER_SECONDS = 30


def service_unavailable():
    """The 503 page: a static template, no context processors, no database, no traceback."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Nobody (browser, CDN, our page cache) may keep the outage page.
    response["Cache-Control"] = "no-store"
    return response


class ServiceUnavailableMiddleware:
    """Answer 503 with a friendly page when a view cannot reach the database or the cache.

    Connections are opened per request (with health checks), so once the
    service is back the next request succeeds: no restart needed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UNAVAILABLE):
            return None
        # One line, the error's class and text; the traceback would only repeat
        # "connection refused" and may quote query parameters.
        logger.error(
            "Service unavailable: %s: %s", type(exception).__name__, str(exception).strip(),
            extra={"method": request.method, "path": request.path, "status": 503},
        )
        return service_unavailable()


class ContentSecurityPolicyMiddleware:
    """Add ``Content-Security-Policy`` to every response.

    ``settings.CONTENT_SECURITY_POLICY`` for the public site,
    ``settings.CONTENT_SECURITY_POLICY_ADMIN`` under the admin.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        self.admin_policy = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", self.policy)

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = self.admin_policy if request.path.startswith(_admin_prefix()) else self.policy
            if policy:
                response["Content-Security-Policy"] = policy
        return response


class PermissionsPolicyMiddleware:
    """Add ``Permissions-Policy`` to every response: the site uses no camera, microphone...

    An article body or a compromised third party embedded in a page then
    cannot ask the reader's browser for them either.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.policy
        return response


@functools.cache
def _admin_prefix():
    return reverse("admin:index")


class RequestLogMiddleware:
    """One log line per request: method, path (never the query string), status, duration.

    Query strings and share-link paths can carry tokens; the formatter
    redacts the latter, and the former is simply left out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        took_ms = round((time.perf_counter() - started) * 1000, 1)
        status = response.status_code
        level = logging.ERROR if status >= 500 else logging.INFO
        logger.log(
            level, "%s %s %s", request.method, request.path, status,
            extra={"method": request.method, "path": request.path, "status": status,
                   "duration_ms": took_ms},
        )
        return response
